/// Turns Swift's `DecodingError` into a `ReceiptError` that names the JSON field at fault.
enum ReceiptDecodingMessage {
    private static let moneyKeys: Set<String> = ["amount", "discountEarned", "discountSpendable"]

    /// `depth`: how many keys of the coding path lie above the document (1 for the `receipt` of a
    /// request); they are left out of the field names.
    static func receiptError(for error: DecodingError, below depth: Int = 0) -> ReceiptError {
        let field = { (codingPath: [any CodingKey]) in path(Array(codingPath.dropFirst(depth))) }
        switch error {
        case .typeMismatch(let type, let context):
            let path = field(context.codingPath)
            // The protocol's rule is that money is never a JSON number; say so in those words.
            if type == String.self, let key = context.codingPath.last?.stringValue, moneyKeys.contains(key) {
                return .invalidAmount(field: path, value: "not a string (a JSON number?)")
            }
            if context.codingPath.last?.stringValue == "qty" {
                return .invalidQuantity(field: path, value: "neither an integer nor a string")
            }
            return .invalidDocument("\(path) has the wrong type (expected \(type)).")
        case .valueNotFound(_, let context):
            return .invalidDocument("\(field(context.codingPath)) is null but must have a value.")
        case .keyNotFound(let key, let context):
            return .invalidDocument("\(field(context.codingPath + [key])) is missing.")
        case .dataCorrupted(let context):
            let path = field(context.codingPath)
            return .invalidDocument(
                path == "document" ? "it is not valid JSON." : "\(path): \(context.debugDescription)")
        @unknown default:
            return .invalidDocument(String(describing: error))
        }
    }

    /// `lines[3].amount` from the coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "document" : result
    }
}
