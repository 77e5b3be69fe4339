import Foundation

/// The JSON file a shop's program is created from (`loyalgate program import FILE`), described
/// in docs/program-file.md. Importing it again with changed rules makes a new program version.
public struct ProgramFile: Sendable, Hashable, Codable {
    public var merchant: MerchantSpec
    public var program: Program

    public init(merchant: MerchantSpec, program: Program) {
        self.merchant = merchant
        self.program = program
    }

    public struct MerchantSpec: Sendable, Hashable, Codable {
        /// A short stable name tills and scripts use: `"apotheek-de-linde"`.
        public var code: String
        public var name: String
        /// ISO 4217, `"EUR"`, `"BGN"`.
        public var currency: String
        /// IANA zone, `"Europe/Brussels"`.
        public var timeZone: String
        /// The merchant's card-number range: a GS1 company prefix, or an in-store prefix 20-29.
        public var cardPrefix: String?

        public init(code: String, name: String, currency: String, timeZone: String, cardPrefix: String? = nil) {
            self.code = code
            self.name = name
            self.currency = currency
            self.timeZone = timeZone
            self.cardPrefix = cardPrefix
        }
    }

    /// Reads and checks a program file; every problem is a sentence naming the field.
    /// `stored`: a version the ledger already holds (see `EarningRules.init`).
    public static func decode(_ data: Data, stored: Bool = false) throws(ProgramError) -> ProgramFile {
        let file: ProgramFile
        do {
            file = try JSONDecoder().decode(ProgramFile.self, from: data)
        } catch let error as DecodingError {
            throw ProgramError("The program file is not valid: \(error.explained)")
        } catch {
            throw ProgramError("The program file is not valid: \(error)")
        }
        _ = try file.validated(stored: stored)
        return file
    }

    /// Reads and checks the program file at `url`, with the on-duty roster it names
    /// (`closed.dutyRoster`, relative to the file) read into `closed.periods`: the stored
    /// version holds the periods themselves, and a changed roster imported again is a new version.
    public static func read(contentsOf url: URL) throws(ProgramError) -> ProgramFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ProgramError("Cannot read \(url.path).")
        }
        var file: ProgramFile
        do {
            file = try JSONDecoder().decode(ProgramFile.self, from: data)
        } catch let error as DecodingError {
            throw ProgramError("The program file is not valid: \(error.explained)")
        } catch {
            throw ProgramError("The program file is not valid: \(error)")
        }
        if let roster = file.program.closed?.dutyRoster {
            let rosterURL =
                roster.hasPrefix("/")
                ? URL(fileURLWithPath: roster) : url.deletingLastPathComponent().appendingPathComponent(roster)
            guard let bytes = FileManager.default.contents(atPath: rosterURL.path),
                let text = String(data: bytes, encoding: .utf8)
            else {
                throw ProgramError("closed.dutyRoster: cannot read \(rosterURL.path) as UTF-8 text.")
            }
            var closed = file.program.closed ?? ClosedHours()
            closed.periods = (closed.periods ?? []) + (try DutyRoster.periods(text, file: roster))
            closed.dutyRoster = nil
            file.program.closed = closed
        }
        _ = try file.validated()
        return file
    }

    /// The merchant's currency and zone, and the program checked against them.
    public func validated(stored: Bool = false) throws(ProgramError) -> (
        currency: Currency, timeZone: TimeZone, rules: EarningRules
    ) {
        let code = merchant.code
        guard !code.isEmpty, code.count <= 64,
            code.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            })
        else {
            throw ProgramError("merchant.code: \"\(code)\" must be 1 to 64 letters, digits, - or _.")
        }
        guard let currency = Currency(code: merchant.currency) else {
            throw ProgramError("merchant.currency: \"\(merchant.currency)\" is not a three-letter currency code.")
        }
        guard let timeZone = TimeZone(identifier: merchant.timeZone) else {
            throw ProgramError("merchant.timeZone: \"\(merchant.timeZone)\" is not a time zone like Europe/Brussels.")
        }
        if let prefix = merchant.cardPrefix {
            guard (1...11).contains(prefix.count), prefix.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ProgramError("merchant.cardPrefix: \"\(prefix)\" must be 1 to 11 digits.")
            }
        }
        let rules = try EarningRules(program: program, currency: currency, timeZone: timeZone, stored: stored)
        return (currency, timeZone, rules)
    }
}
