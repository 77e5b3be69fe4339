import Foundation
import LoyaltyDomain

/// A program file checked before it is sent to the core, with the checker's sentence placed
/// beside the line it concerns: the checker names a field (`merchant.currency: …`,
/// `"program.points.per" is missing.`), and the line is where that field's key is written.
public struct ProgramCheck: Sendable, Equatable {
    public struct Problem: Sendable, Equatable {
        /// 1-based; nil when the sentence names no field found in the text.
        public var line: Int?
        public var message: String
        public init(line: Int?, message: String) {
            self.line = line
            self.message = message
        }
    }

    public var file: ProgramFile?
    public var problems: [Problem]

    public init(text: String) {
        do {
            file = try ProgramFile.decode(Data(text.utf8))
            problems = []
        } catch {
            file = nil
            problems = [Problem(line: Self.line(of: error.message, in: text), message: error.message)]
        }
    }

    /// The line of the deepest key of the field the message names that the text holds.
    public static func line(of message: String, in text: String) -> Int? {
        let lines = text.components(separatedBy: "\n")
        for path in candidatePaths(message) {
            var keys = path.split(separator: ".").map(String.init).filter { Int($0) == nil }
            // The checker names program fields without the "program." the file nests them in.
            if let first = keys.first, first != "merchant", first != "program" { keys.insert("program", at: 0) }
            var from = 0
            var found: Int?
            for key in keys {
                guard let index = lines[from...].firstIndex(where: { $0.contains("\"\(key)\"") }) else { break }
                found = index
                from = index
            }
            if let found { return found + 1 }
        }
        return nil
    }

    /// `"program.points.per" is missing.` or `points.points: 0 must be …` → the dotted path.
    static func candidatePaths(_ message: String) -> [String] {
        var paths: [String] = []
        let body = message.replacingOccurrences(of: "The program file is not valid: ", with: "")
        if body.hasPrefix("\""), let end = body.dropFirst().firstIndex(of: "\"") {
            paths.append(String(body[body.index(after: body.startIndex)..<end]))
        }
        if let colon = body.firstIndex(of: ":") {
            let head = body[..<colon]
            if !head.isEmpty, head.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }) {
                paths.append(String(head))
            }
        }
        return paths
    }
}
