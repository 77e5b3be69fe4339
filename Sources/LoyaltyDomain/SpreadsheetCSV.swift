import Foundation

/// CSV as loyalgate writes it (every export goes through here): RFC 4180 quoting, and cells a
/// spreadsheet will not run as formulas.
///
/// Till and receipt ids are chosen by tills, names and addresses by customers: a cell such as
/// `=HYPERLINK(...)` or `@SUM(...)` would otherwise run when the shop owner opens `ledger.csv`
/// or `customers.csv` in Excel, LibreOffice or Google Sheets ("CSV injection", OWASP). As OWASP
/// describes, a cell that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a single
/// quote in front and is quoted. A cell that is a plain decimal number (`-5`, `-12.50`: points
/// and amounts of redeems, returns and fees) is left as it is, so that the columns still add up:
/// a spreadsheet reads it as a number, never as a formula.
public enum SpreadsheetCSV {
    /// One cell as written to the file.
    public static func field(_ value: String) -> String {
        var text = value
        var quoted = false
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first),
            !isPlainNumber(value)
        {
            text = "'" + value
            quoted = true
        }
        if quoted || text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// One row, with its line end.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// `-5`, `12`, `-12.50`: an optional minus, ASCII digits, an optional fraction.
    static func isPlainNumber(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "-" { scalars = scalars.dropFirst() }
        let parts = scalars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2 else { return false }
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { ("0"..."9").contains($0) } }
    }
}
