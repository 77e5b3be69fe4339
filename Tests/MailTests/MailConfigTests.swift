import Foundation
import Testing

@testable import Mail

/// The mail settings file: a relay password is never in a file others can read.
@Suite struct MailConfigTests {
    static func write(_ text: String, mode: Int) throws -> String {
        let path = "/tmp/lg-mailcfg-\(UUID().uuidString.prefix(8)).json"
        #expect(
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]))
        return path
    }

    static func settings(_ relay: String) -> String {
        """
        {"merchants": {"apotheek-de-linde": {"from": {"address": "info@apotheek-de-linde.nl"},
          "relay": \(relay), "ratePerMinute": 60, "unsubscribeURL": "https://shop.example.nl/mail/unsubscribe"}}}
        """
    }

    @Test func aPasswordInAReadableFileIsRefused() throws {
        let text = Self.settings(#"{"url": "smtp://relay.example.nl:587", "tls": "required", "password": "x"}"#)
        let open = try Self.write(text, mode: 0o644)
        #expect(throws: MailConfig.ConfigError.self) { try MailConfig.load(path: open) }
        let closed = try Self.write(text, mode: 0o600)
        #expect(try MailConfig.load(path: closed).merchants["apotheek-de-linde"]?.relay.password == "x")
    }

    @Test func aPasswordFileMustBePrivateAndIsRead() throws {
        let secret = try Self.write("s3cret\n", mode: 0o640)
        let text = Self.settings(#"{"url": "smtps://relay.example.nl", "username": "shop"}"#)
            .replacingOccurrences(of: #""ratePerMinute""#, with: #""passwordFile": "\#(secret)", "ratePerMinute""#)
        let config = try Self.write(text, mode: 0o644)
        #expect(throws: MailConfig.ConfigError.self) { try MailConfig.load(path: config) }
        chmod(secret, 0o600)
        let loaded = try MailConfig.load(path: config).merchants["apotheek-de-linde"]
        #expect(loaded?.relay.password == "s3cret")
        #expect(loaded?.relay.tls == .required)
    }
}
