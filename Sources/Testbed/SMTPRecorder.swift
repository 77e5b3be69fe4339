import Foundation

/// A real SMTP server for tests: Tests/Support/smtp_recorder.py (Debian's python3-aiosmtpd) on
/// 127.0.0.1, keeping every accepted message as a file in `folder`.
public final class SMTPRecorder: @unchecked Sendable {
    public let folder: String
    public let port: Int
    let child: ChildProcess

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Support/smtp_recorder.py").path

    /// Whether Debian's python3-aiosmtpd is installed (scripts/install-deps).
    public static var available: Bool {
        (try? ChildProcess.run("/usr/bin/python3", ["-c", "import aiosmtpd"], within: .seconds(30)).status) == 0
    }

    /// `failFirst`: answer 451 to that many messages first; `reject`: answer 550 to recipients
    /// containing it; `login`: `user:password` required.
    public init(folder: String, failFirst: Int = 0, reject: String? = nil, login: String? = nil) throws {
        self.folder = folder
        var arguments = [Self.script, folder, "--fail-first", String(failFirst)]
        if let reject { arguments += ["--reject", reject] }
        if let login { arguments += ["--login", login] }
        child = try ChildProcess("/usr/bin/python3", arguments)
        try child.start()
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if let line = child.stdout.split(separator: "\n").first, let port = Int(line) {
                self.port = port
                return
            }
            guard child.isRunning, ContinuousClock.now < deadline else {
                child.kill()
                throw ChildProcess.Failure("The SMTP recorder did not start: \(child.stderr)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit { child.kill() }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// The kept messages, oldest first: (recipient, raw message).
    public func messages() -> [(recipient: String, raw: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }.sorted()
        return names.compactMap { name in
            guard let raw = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else { return nil }
            let recipient = String(name.dropFirst(7).dropLast(4))
            return (recipient, raw)
        }
    }

    /// How many messages were kept, without reading them.
    public var count: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }.count
    }
}

/// A received message taken apart as far as the tests need: headers (unfolded) and the
/// decoded text of each part by content type.
public struct ReceivedMail: Sendable {
    public var headers: [String: String] = [:]
    public var parts: [String: String] = [:]

    public init(_ raw: String) {
        let normalised = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let sections = normalised.components(separatedBy: "\n\n")
        headers = Self.headers(sections.first ?? "")
        guard let type = headers["content-type"] else { return }
        collect(type: type, body: normalised)
    }

    /// The leaf parts of a multipart body by type, nested multiparts (an HTML part with its
    /// inline logo in `multipart/related`) included.
    mutating func collect(type: String, body: String) {
        guard let range = type.range(of: "boundary=\"") else { return }
        let boundary = String(type[range.upperBound...].prefix { $0 != "\"" })
        for chunk in body.components(separatedBy: "--\(boundary)").dropFirst() {
            guard let split = chunk.range(of: "\n\n") else { continue }
            let partHeaders = Self.headers(String(chunk[..<split.lowerBound]))
            let body = String(chunk[split.upperBound...])
            guard let fullType = partHeaders["content-type"], let partType = fullType.split(separator: ";").first
            else { continue }
            if partType.hasPrefix("multipart/") {
                collect(type: fullType, body: body)
                continue
            }
            let joined = body.split(separator: "\n").joined()
            if partHeaders["content-transfer-encoding"] == "base64", let data = Data(base64Encoded: joined) {
                parts[String(partType)] =
                    partType.hasPrefix("text/") ? String(decoding: data, as: UTF8.self) : data.base64EncodedString()
            } else {
                parts[String(partType)] = body
            }
        }
    }

    static func headers(_ block: String) -> [String: String] {
        var result: [String: String] = [:]
        var last: String?
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.first == " " || line.first == "\t", let last {
                result[last, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                result[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = name
            }
        }
        return result
    }

    /// An RFC 2047 header decoded (UTF-8 B words only, as the Mail module writes them).
    public static func decodeWords(_ header: String) -> String {
        var result = ""
        for word in header.split(separator: " ") {
            if word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            {
                result += String(decoding: data, as: UTF8.self)
            } else {
                result += (result.isEmpty ? "" : " ") + word
            }
        }
        return result
    }
}
