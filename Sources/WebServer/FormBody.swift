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

extension FormBody {
    /// `multipart/form-data` text fields and files (the program upload), by field name. Parts
    /// are read as UTF-8 text: the only file the pages take is a JSON program file.
    static func multipart(_ body: String, contentType: String) -> [String: String]? {
        guard let range = contentType.range(of: "boundary=") else { return nil }
        var boundary = String(contentType[range.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard !boundary.isEmpty, boundary.count <= 200 else { return nil }
        var fields: [String: String] = [:]
        for part in body.components(separatedBy: "--" + boundary).dropFirst() {
            guard let split = part.range(of: "\r\n\r\n") else { continue }
            let headers = part[..<split.lowerBound]
            var content = String(part[split.upperBound...])
            if content.hasSuffix("\r\n") { content.removeLast() }
            guard let nameRange = headers.range(of: "name=\"") else { continue }
            let rest = headers[nameRange.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { continue }
            fields[String(rest[..<end])] = content
        }
        return fields
    }
}
