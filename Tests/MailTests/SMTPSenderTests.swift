import Foundation
import Testbed
import Testing

@testable import Mail

/// Sending over SMTP with libcurl to a real aiosmtpd on 127.0.0.1, and what each answer means.
@Suite(.enabled(if: SMTPRecorder.available, "needs python3-aiosmtpd (scripts/install-deps)"))
struct SMTPSenderTests {
    static func folder() -> String {
        let path = "/tmp/lg-mail-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aMessageArrivesWhole() throws {
        let relay = try SMTPRecorder(folder: Self.folder())
        let sender = try SMTPSender(settings: RelaySettings(url: relay.url, tls: .none))
        let data = MailMessageTests.message.rendered()
        let outcome = sender.send(from: "info@apotheek-de-linde.nl", to: "jan@example.nl", message: data)
        #expect(outcome == .delivered(answer: "250 accepted"))
        let kept = relay.messages()
        #expect(kept.map(\.recipient) == ["jan@example.nl"])
        let mail = ReceivedMail(kept.first?.raw ?? "")
        #expect(mail.headers["message-id"] == "<outbox-7.abc@apotheek-de-linde.nl>")
        #expect(mail.parts["text/html"] == MailMessageTests.message.html)
    }

    @Test func aTemporaryRefusalIsRetriedAndAPermanentOneIsNot() throws {
        let relay = try SMTPRecorder(folder: Self.folder(), failFirst: 1, reject: "gone")
        let sender = try SMTPSender(settings: RelaySettings(url: relay.url, tls: .none))
        let data = MailMessageTests.message.rendered()
        let first = sender.send(from: "info@apotheek-de-linde.nl", to: "jan@example.nl", message: data)
        guard case .temporaryFailure(let answer) = first else {
            Issue.record("A 451 was taken as \(first)")
            return
        }
        #expect(answer.hasPrefix("451"))
        #expect(relay.count == 0)
        #expect(
            sender.send(from: "info@apotheek-de-linde.nl", to: "jan@example.nl", message: data).answer.hasPrefix("250"))
        let gone = sender.send(from: "info@apotheek-de-linde.nl", to: "gone@example.nl", message: data)
        guard case .permanentFailure(let refusal) = gone else {
            Issue.record("A 550 was taken as \(gone)")
            return
        }
        #expect(refusal.hasPrefix("550"))
        #expect(relay.messages().map(\.recipient) == ["jan@example.nl"])
    }

    @Test func aRelayThatIsDownIsATemporaryFailure() throws {
        // Port 9 on loopback: nothing listens (discard is not run on a test machine).
        let sender = try SMTPSender(settings: RelaySettings(url: "smtp://127.0.0.1:9", tls: .none))
        let outcome = sender.send(from: "a@example.nl", to: "b@example.nl", message: Data("x\r\n".utf8))
        guard case .temporaryFailure = outcome else {
            Issue.record("No relay was taken as \(outcome)")
            return
        }
    }

    @Test func requiredTLSRefusesARelayWithoutIt() throws {
        let relay = try SMTPRecorder(folder: Self.folder())
        let sender = try SMTPSender(settings: RelaySettings(url: relay.url, tls: .required))
        let outcome = sender.send(
            from: "info@apotheek-de-linde.nl", to: "jan@example.nl", message: MailMessageTests.message.rendered())
        guard case .temporaryFailure = outcome else {
            Issue.record("STARTTLS required but a clear relay was taken as \(outcome)")
            return
        }
        #expect(relay.count == 0)
    }

    @Test func loginIsSentAndAWrongPasswordIsRefused() throws {
        let relay = try SMTPRecorder(folder: Self.folder(), login: "shop:s3cret")
        let data = MailMessageTests.message.rendered()
        let good = try SMTPSender(
            settings: RelaySettings(url: relay.url, tls: .none, username: "shop", password: "s3cret"))
        #expect(
            good.send(from: "info@apotheek-de-linde.nl", to: "jan@example.nl", message: data).answer.hasPrefix("250"))
        let bad = try SMTPSender(
            settings: RelaySettings(url: relay.url, tls: .none, username: "shop", password: "wrong"))
        if case .delivered = bad.send(from: "info@apotheek-de-linde.nl", to: "jan@example.nl", message: data) {
            Issue.record("A wrong password was accepted")
        }
        #expect(relay.count == 1)
    }
}
