import Foundation
import LoyaltyDomain

/// Reads an answer line as a dictionary.
func json(_ line: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
}

func errorCode(_ line: String) -> String? {
    (json(line)["error"] as? [String: Any])?["code"] as? String
}

/// The card number `serial` of the range `prefix`, as the core numbers its cards.
func card(_ prefix: String, _ serial: Int) -> String {
    try! CardNumber(prefix: prefix, serial: Int64(serial)).digits
}
