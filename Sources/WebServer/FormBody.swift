import Foundation

/// `application/x-www-form-urlencoded` fields, as every form on these pages posts them. The
/// last of a repeated name wins; a field that does not decode is left out, never guessed.
enum FormBody {
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { continue }
            if parts.count == 1 {
                fields[name] = ""
            } else if let value = decode(parts[1]) {
                fields[name] = value
            }
        }
        return fields
    }

    private static func decode(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
