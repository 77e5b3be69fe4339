import Foundation

/// Reads an answer line as a dictionary.
func json(_ line: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
}

func errorCode(_ line: String) -> String? {
    (json(line)["error"] as? [String: Any])?["code"] as? String
}

func card(_ prefix: String, _ serial: Int) -> String {
    var body = prefix + String(repeating: "0", count: 12 - prefix.count - String(serial).count) + String(serial)
    var sum = 0
    for (offset, digit) in body.reversed().enumerated() { sum += Int(String(digit))! * (offset % 2 == 0 ? 3 : 1) }
    body += String((10 - sum % 10) % 10)
    return body
}
