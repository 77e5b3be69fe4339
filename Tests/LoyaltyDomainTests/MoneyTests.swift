import LoyaltyDomain
import Testing

@Suite struct MoneyTests {
    let euro = Currency(code: "EUR")!

    @Test(arguments: [("12.50", 1250), ("12.5", 1250), ("12", 1200), ("0.01", 1), ("-3.10", -310), ("0", 0)])
    func parsesDecimalStrings(text: String, minor: Int64) throws {
        #expect(try Money(parsing: text, currency: euro).minorUnits == minor)
    }

    @Test(arguments: ["1.005", "12,50", "", ".5", "5.", "1e3", " 1.00", "abc", "--1", "1234567890123456"])
    func refusesWhatIsNotAnAmount(text: String) {
        #expect(throws: MoneyError.self) { try Money(parsing: text, currency: euro) }
    }

    @Test func formatsWithTheCurrencysMinorDigits() {
        #expect(Money(minorUnits: 1250, currency: euro).decimalString == "12.50")
        #expect(Money(minorUnits: 5, currency: euro).decimalString == "0.05")
        #expect(Money(minorUnits: -310, currency: euro).decimalString == "-3.10")
        #expect(Money(minorUnits: 1250, currency: Currency(code: "JPY")!).decimalString == "1250")
        #expect(Money(minorUnits: 1250, currency: Currency(code: "KWD")!).decimalString == "1.250")
    }

    @Test func ratiosReadExactly() throws {
        #expect(Ratio("0.03")?.millionths == 30_000)
        #expect(Ratio("2")?.millionths == 2_000_000)
        #expect(Ratio("1.5")?.description == "1.5")
        #expect(Ratio("-1") == nil)
        #expect(Ratio("0.0000001") == nil)
    }
}

@Suite struct CardNumberTests {
    @Test(arguments: ["4006381333931", "2990001000018", "5901234123457"])
    func acceptsValidEAN13(text: String) throws {
        #expect(try CardNumber(text).digits == text)
    }

    @Test func rejectsAWrongCheckDigitWithTheContractsCode() {
        #expect(throws: RuleViolation.self) { try CardNumber("4006381333932") }
        do {
            _ = try CardNumber("4006381333932")
        } catch {
            #expect(error.rule == .invalidCardNumber)
            #expect(error.message.contains("check digit"))
        }
    }

    @Test(arguments: ["400638133393", "40063813339311", "400638133393a", ""])
    func rejectsWrongLengthsAndLetters(text: String) {
        #expect(
            throws: RuleViolation(
                .invalidCardNumber,
                text.isEmpty
                    ? "An empty number is not a card number: a card number has 13 digits."
                    : "\"\(text)\" is not a card number: a card number has 13 digits.")
        ) {
            try CardNumber(text)
        }
    }

    @Test func buildsNumbersFromAPrefixAndSerial() throws {
        #expect(try CardNumber(prefix: "2990001", serial: 1).digits == "2990001000018")
        #expect(throws: RuleViolation.self) { try CardNumber(prefix: "2990001", serial: 100_000) }
    }
}
