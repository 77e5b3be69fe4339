import CardDesign
import Foundation

/// Each merchant's mail settings, in a file of their own beside the ledger (`DATA/mail.json`
/// by default) rather than in the program file: the program file is shared with staff and
/// versioned in the ledger, and a relay password belongs in neither. docs/mail.md.
public struct MailConfig: Sendable, Codable {
    public var merchants: [String: MerchantMail]

    public struct MerchantMail: Sendable, Codable {
        public var from: MailAddress
        public var relay: RelaySettings
        /// A file holding the relay's password (first line); it must not be readable by group
        /// or others. `relay.password` in this file is allowed only when this file is private.
        public var passwordFile: String?
        /// At most this many messages a minute reach the relay.
        public var ratePerMinute: Int
        /// The web's unsubscribe route; the link is this with `?t=TOKEN`.
        public var unsubscribeURL: String
        /// `en`, `nl`, `de`: the shop's language, used where the customer's is not known (the
        /// customer record holds none; a mail asked for from the cardholder page uses the page's).
        public var language: String?
        /// The first retry after a 4xx waits this long, each next one twice as long (capped at
        /// 6 hours); default 60.
        public var retryBaseSeconds: Int?
        /// After this many attempts a mail is recorded as failed; default 10.
        public var maxAttempts: Int?
        /// The shop's card design (JSON, relative to this file's folder): the mails' brand
        /// colour and logo. Without it the mails are in a plain blue.
        public var design: String?
        /// The address of `loyalgate web` as customers reach it, for the link to their details
        /// (`WEBURL/p/LINK`); by default the origin of `unsubscribeURL`.
        public var webURL: String?
        /// Birthday mails are recorded from this hour of the day in the merchant's time zone
        /// (default 9): the timer's pass after midnight does not mail anyone at 00:05.
        public var birthdayHour: Int?
    }

    public struct ConfigError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The address details links start with: `webURL`, else the unsubscribe route's origin.
    public static func webBase(_ merchant: MerchantMail) -> String {
        if let web = merchant.webURL { return web.hasSuffix("/") ? String(web.dropLast()) : web }
        guard let url = URL(string: merchant.unsubscribeURL), let scheme = url.scheme, let host = url.host else {
            return ""
        }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// Reads and checks the file; a password in a file others can read is refused.
    public static func load(path: String) throws -> MailConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(description: "The mail settings \(path) cannot be read.")
        }
        var config: MailConfig
        do {
            config = try JSONDecoder().decode(MailConfig.self, from: data)
        } catch {
            throw ConfigError(description: "The mail settings \(path) are not valid: \(error).")
        }
        for (code, merchant) in config.merchants {
            guard merchant.from.isValid else {
                throw ConfigError(description: "The sender of \(code) in \(path) is not a mail address.")
            }
            guard merchant.ratePerMinute > 0 else {
                throw ConfigError(description: "ratePerMinute of \(code) in \(path) must be above 0.")
            }
            guard let url = URL(string: merchant.unsubscribeURL), url.scheme == "https" || url.scheme == "http"
            else {
                throw ConfigError(description: "unsubscribeURL of \(code) in \(path) is not an http(s) address.")
            }
            if let design = merchant.design {
                let url = URL(
                    fileURLWithPath: design, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent())
                guard HouseStyle.load(designPath: url.path) != nil else {
                    throw ConfigError(
                        description: "The card design of \(code) in \(path), \(url.path), cannot be read.")
                }
                config.merchants[code]?.design = url.path
            }
            if let web = merchant.webURL {
                guard let url = URL(string: web), url.scheme == "https" || url.scheme == "http" else {
                    throw ConfigError(description: "webURL of \(code) in \(path) is not an http(s) address.")
                }
            }
            if merchant.relay.password != nil, !isPrivate(path) {
                throw ConfigError(
                    description:
                        "\(path) holds a relay password but group or others can read it: chmod 600 it, or use passwordFile."
                )
            }
            if let file = merchant.passwordFile {
                guard isPrivate(file) else {
                    throw ConfigError(
                        description: "The relay password file \(file) is readable by group or others: chmod 600 it.")
                }
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw ConfigError(description: "The relay password file \(file) cannot be read.")
                }
                config.merchants[code]?.relay.password = String(text.split(separator: "\n").first ?? "")
            }
        }
        return config
    }

    static func isPrivate(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & 0o077 == 0
    }
}
