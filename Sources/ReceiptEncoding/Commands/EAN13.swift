import GS1

/// EAN-13 data checks and, for printers without `GS k`, the bar pattern.
public enum EAN13 {
    /// The 13 digits for `data`: 12 digits get their check digit appended, 13 digits must end
    /// in the right one. Anything else is an error that says why.
    public static func validated(_ data: String) throws(ReceiptError) -> [Int] {
        func fail(_ reason: String) -> ReceiptError {
            .invalidBarcodeData(symbology: "EAN-13", data: data, reason: reason)
        }
        guard data.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw fail("it may contain only digits") }
        let digits = data.utf8.map { Int($0) - 0x30 }
        guard digits.count == 12 || digits.count == 13 else {
            throw fail("it needs 12 or 13 digits, not \(digits.count)")
        }
        let check = GS1CheckDigit.checkDigit(forDigits: digits.prefix(12))
        if digits.count == 13, digits[12] != check {
            throw fail("the check digit is \(digits[12]) but should be \(check)")
        }
        return Array(digits.prefix(12)) + [check]
    }

    /// Bars (true) and spaces of the 95-module symbol, without quiet zones.
    public static func modules(for digits: [Int]) -> [Bool] {
        precondition(digits.count == 13)
        var bits = "101"
        let parity = parities[digits[0]]
        for (index, digit) in digits[1...6].enumerated() {
            let left = leftOdd[digit]
            // "G" (even parity) is the right-hand pattern reversed; the parity pattern of the
            // six left digits is how the first digit is encoded.
            let useEven = parity[parity.index(parity.startIndex, offsetBy: index)] == "G"
            bits += useEven ? String(rightHand(digit).reversed()) : left
        }
        bits += "01010"
        for digit in digits[7...12] { bits += rightHand(digit) }
        bits += "101"
        return bits.map { $0 == "1" }
    }

    /// Odd-parity ("L") patterns of the left half, by digit.
    private static let leftOdd = [
        "0001101", "0011001", "0010011", "0111101", "0100011",
        "0110001", "0101111", "0111011", "0110111", "0001011",
    ]

    /// Right-half ("R") pattern: the L pattern with bars and spaces swapped.
    private static func rightHand(_ digit: Int) -> String {
        String(leftOdd[digit].map { $0 == "0" ? "1" : "0" })
    }

    /// L/G choice for the six left digits, selected by the first digit.
    private static let parities = [
        "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
        "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL",
    ]
}
