import Testing

@testable import GS1

@Suite("GS1CheckDigit")
struct GS1CheckDigitTests {
    @Test(arguments: [
        "4006381333931", "96385074", "036000291452", "00012345600012", "10012345678902",
        "6291041500213", "73513537",
    ])
    func validCodes(_ code: String) {
        #expect(GS1CheckDigit.isValid(code))
    }

    @Test(arguments: [
        "4006381333932", "96385075", "036000291453", "00012345600013",
        "400638133393", "40063813339311", "4006381333931 ", "400638133393A",
        "", "1", "123456789012345", "٤006381333931",
    ])
    func invalidCodes(_ code: String) {
        #expect(!GS1CheckDigit.isValid(code))
    }

    @Test func computesCheckDigits() {
        #expect(GS1CheckDigit.checkDigit(forPayload: "400638133393") == 1)
        #expect(GS1CheckDigit.checkDigit(forPayload: "9638507") == 4)
        #expect(GS1CheckDigit.checkDigit(forPayload: "03600029145") == 2)
        #expect(GS1CheckDigit.checkDigit(forPayload: "0001234560001") == 2)
        #expect(GS1CheckDigit.checkDigit(forPayload: "") == nil)
        #expect(GS1CheckDigit.checkDigit(forPayload: "12a") == nil)
        #expect(GS1CheckDigit.checkDigit(forPayload: String(repeating: "1", count: 18)) == nil)
        #expect(GS1CheckDigit.appendingCheckDigit(to: "400638133393") == "4006381333931")
    }
}
