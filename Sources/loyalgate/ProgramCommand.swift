import ArgumentParser
import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

struct ProgramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "program", abstract: "Set up merchants and their programs from program files.",
        subcommands: [Import.self, Check.self])

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
