import Foundation

/// A mailbox: an address and an optional display name (`Apotheek Centrum <info@example.nl>`).
public struct MailAddress: Sendable, Hashable, Codable {
    public var address: String
    public var name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// Checks what a relay would refuse or what could inject a header: one `@`, no spaces,
    /// no angle brackets, no line breaks.
    public var isValid: Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.count <= 254
            && !address.contains(where: { $0.isWhitespace || "<>(),;:\"\\[]".contains($0) })
            && address.allSatisfy(\.isASCII)
    }

    /// The header form; a display name that is not plain ASCII is RFC 2047 encoded.
    var header: String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        return "\(MailMessage.encodedWords(name, quoted: true)) <\(address)>"
    }
}

/// One mail as it is recorded in the outbox and handed to the relay: `multipart/alternative`
/// with a plain-text and an HTML part, both UTF-8 in base64 (lines stay under SMTP's 998
/// characters whatever the text holds), and the headers RFC 5322 and RFC 8058 ask for.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var text: String
    public var html: String
    public var date: Date
    /// Without the angle brackets: `outbox-12.3f9a@example.nl`. Kept with the message in the
    /// outbox, so a resend after a crash carries the same id (see docs/mail.md).
    public var messageID: String
    /// The one-click unsubscribe address (RFC 8058); nil for a mail that is not marketing.
    public var unsubscribe: URL?
    /// The shop's logo (PNG), sent inside the message (`cid:logo@loyalgate` in the HTML) rather
    /// than fetched: mail programs block remote images by default.
    public var logo: Data?

    /// What the HTML names the inline logo by.
    public static let logoContentID = "logo@loyalgate"

    public init(
        from: MailAddress, to: MailAddress, subject: String, text: String, html: String, date: Date,
        messageID: String, unsubscribe: URL?, logo: Data? = nil
    ) {
        self.logo = logo
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
        self.unsubscribe = unsubscribe
    }

    /// A fresh id in the sender's domain.
    public static func newID(prefix: String, sender: MailAddress) -> String {
        let domain = sender.address.split(separator: "@").last.map(String.init) ?? "localhost"
        let random = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return "\(prefix).\(random)@\(domain)"
    }

    /// The message as it goes over SMTP: CRLF line ends, headers, then the two parts.
    public func rendered() -> Data {
        let boundary =
            "=_loyalgate_"
            + String(
                messageID.utf8.reduce(UInt64(14_695_981_039_346_656_037)) {
                    ($0 ^ UInt64($1)) &* 1_099_511_628_211
                }, radix: 36)
        var headers = [
            "From: \(from.header)",
            "To: \(to.header)",
            "Subject: \(Self.encodedWords(subject, quoted: false))",
            "Date: \(Self.dateHeader(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        if let unsubscribe {
            headers.append("List-Unsubscribe: <\(unsubscribe.absoluteString)>")
            headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        var lines = headers
        lines.append("")
        lines.append("This is a message in MIME format: a plain-text part and an HTML part.")
        func part(_ type: String, _ body: Data, extra: [String] = []) {
            lines.append("Content-Type: \(type)")
            lines.append(contentsOf: extra)
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: Self.base64Lines(body))
        }
        lines.append("--\(boundary)")
        part("text/plain; charset=utf-8", Data(Self.crlf(text).utf8))
        lines.append("--\(boundary)")
        if let logo {
            // The HTML and the image it shows travel together (RFC 2387).
            // Not a prefix of the outer boundary's delimiter, nor it of this one.
            let related = "=_related_" + boundary.dropFirst("=_loyalgate_".count)
            lines.append("Content-Type: multipart/related; boundary=\"\(related)\"; type=\"text/html\"")
            lines.append("")
            lines.append("--\(related)")
            part("text/html; charset=utf-8", Data(Self.crlf(html).utf8))
            lines.append("--\(related)")
            part(
                "image/png", logo,
                extra: ["Content-ID: <\(Self.logoContentID)>", "Content-Disposition: inline; filename=\"logo.png\""])
            lines.append("--\(related)--")
        } else {
            part("text/html; charset=utf-8", Data(Self.crlf(html).utf8))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    /// Line ends of a body made CRLF, whatever the template used.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    static func base64Lines(_ data: Data) -> [String] {
        let text = data.base64EncodedString()
        var lines: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[index..<end]))
            index = end
        }
        return lines
    }

    /// RFC 2047: plain printable ASCII as it is (quoted for a display name with specials);
    /// anything else as `=?UTF-8?B?...?=` words of at most 75 characters, split between
    /// characters (never inside one), folded onto continuation lines.
    static func encodedWords(_ text: String, quoted: Bool) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII && !$0.isNewline }) && !clean.contains("=?") {
            if quoted && clean.contains(where: { "()<>@,;:\\\".[]".contains($0) }) {
                return "\""
                    + clean.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }
            return clean
        }
        // 75 - "=?UTF-8?B?" - "?=" = 63 base64 characters: 45 bytes of UTF-8 at most per word.
        var words: [String] = []
        var chunk = Data()
        for character in clean {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 5322 date in UTC: `Mon, 30 Nov 2026 08:00:00 +0000`. By hand with gmtime_r: a
    /// DateFormatter costs more to make than the rest of a message.
    static func dateHeader(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
