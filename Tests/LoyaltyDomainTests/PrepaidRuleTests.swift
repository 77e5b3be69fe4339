import Foundation
import LoyaltyDomain
import Testing

/// `prepaid.maximumBalance` is checked like the program's other amounts, with the field named.
@Suite struct PrepaidRuleTests {
    static let euro = Currency(code: "EUR")!
    static let zone = TimeZone(identifier: "Europe/Berlin")!

    func rules(_ maximum: String?) throws(ProgramError) -> EarningRules {
        try EarningRules(
            program: Program(prepaid: .init(maximumBalance: maximum)), currency: Self.euro, timeZone: Self.zone)
    }

    @Test func aMaximumIsAnAmountAboveZeroWithinTheBalanceLimit() throws {
        #expect(try rules("250.00").prepaidMaximum?.minorUnits == 25_000)
        // Without a maximum the ledger's limit is the only one.
        #expect(try rules(nil).prepaidMaximum?.minorUnits == Limits.balance)
        #expect(try EarningRules(program: Program(), currency: Self.euro, timeZone: Self.zone).prepaidMaximum == nil)
        for bad in ["0.00", "-1.00", "250.001", "lots", "90071992547409.92"] {
            do {
                _ = try rules(bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.message.hasPrefix("prepaid.maximumBalance:"), "\(error.message)")
            }
        }
    }

    @Test func theProgramFileCarriesIt() throws {
        let file = try ProgramFile.decode(
            Data(
                #"{"merchant":{"code":"m","name":"M","currency":"EUR","timeZone":"Europe/Berlin"},"program":{"prepaid":{"maximumBalance":"150.00"}}}"#
                    .utf8))
        #expect(file.program.prepaid?.maximumBalance == "150.00")
    }
}
