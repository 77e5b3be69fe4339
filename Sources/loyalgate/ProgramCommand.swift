import ArgumentParser
import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

struct ProgramCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "program", abstract: "Set up merchants and their programs from program files.",
        subcommands: [Import.self, Check.self, FinalBalances.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the merchant in FILE, or store its program as a new version if the rules changed.")

        @OptionGroup var data: DataOptions
        @Argument(help: "A program file (JSON, see docs/program-file.md); an on-duty roster it names is read with it.")
        var file: String

        func run() throws {
            let program = try ProgramFile.read(contentsOf: URL(fileURLWithPath: file))
            let database = try data.open()
            let imported = try database.importProgram(program)
            print(
                imported.created
                    ? "\(imported.merchant): program version \(imported.version) stored"
                    : "\(imported.merchant): unchanged, still program version \(imported.version)")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a program file without storing it.")
        @Argument(help: "A program file (JSON).") var file: String

        func run() throws {
            let program = try ProgramFile.read(contentsOf: URL(fileURLWithPath: file))
            print("\(program.merchant.code): program file is valid")
        }
    }
}

extension ProgramCommand {
    /// The balances when the program has ended (docs/program-end.md): every card's points,
    /// discount, prepaid and stamps as CSV, for the merchant's books and for customers who ask.
    struct FinalBalances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "final-balances",
            abstract: "Write every card's balances as CSV; after the announced end date they are final (frozen).")
        @OptionGroup var data: DataOptions
        @Option(help: "The merchant's code; may be left out when the ledger has one merchant.") var merchant: String?
        @Option(help: "The CSV file to write.") var out: String

        func run() async throws {
            let database = try data.open()
            let (end, ended, csv) = try await database.finalBalances(merchant: merchant, now: Date())
            guard FileManager.default.createFile(atPath: out, contents: Data(csv.utf8)) else {
                throw ValidationError("Cannot write \(out).")
            }
            let lines = csv.split(separator: "\r\n").count - 1
            if let end {
                print(
                    ended
                        ? "\(lines) cards written to \(out): the program ended on \(end), these balances are final"
                        : "\(lines) cards written to \(out): the program ends on \(end); until then these balances can still change"
                )
            } else {
                print(
                    "\(lines) cards written to \(out): no end of the program is announced, these balances can still change"
                )
            }
        }
    }
}

func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("Cannot read \(path).")
    }
    return data
}

extension ProgramError: LocalizedError {
    public var errorDescription: String? { message }
}

extension LoyaltyError: LocalizedError {
    public var errorDescription: String? { message }
}

extension RuleViolation: LocalizedError {
    public var errorDescription: String? { message }
}
