import BackOffice
import Foundation
import Mustache
import Testing

@testable import WebServer

@Suite struct LoginThrottleTests {
    @Test func tenWrongPasswordsMakeTheEleventhWait() {
        let throttle = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for attempt in 0..<10 {
            #expect(throttle.wait(user: "anna", address: "10.0.0.5", now: start) == nil, "try \(attempt + 1)")
            throttle.failed(user: "anna", address: "10.0.0.5", now: start)
        }
        #expect(throttle.wait(user: "anna", address: "10.0.0.5", now: start) == 30)
        // Another address trying the same account waits too, and so does the address on another account.
        #expect(throttle.wait(user: "anna", address: "10.0.0.9", now: start) == 30)
        #expect(throttle.wait(user: "bert", address: "10.0.0.5", now: start) == 30)
        #expect(throttle.wait(user: "anna", address: "10.0.0.5", now: start.addingTimeInterval(31)) == nil)
        // Each further failure doubles the wait.
        throttle.failed(user: "anna", address: "10.0.0.5", now: start.addingTimeInterval(31))
        #expect(throttle.wait(user: "anna", address: "10.0.0.5", now: start.addingTimeInterval(31)) == 60)
    }

    @Test func aRightPasswordClearsTheAccountsCountNotTheAddresss() {
        let throttle = LoginThrottle()
        let now = Date()
        for _ in 0..<10 { throttle.failed(user: "anna", address: "10.0.0.5", now: now) }
        throttle.succeeded(user: "anna")
        #expect(throttle.wait(user: "anna", address: "10.0.0.6", now: now) == nil)
        #expect(throttle.wait(user: "anna", address: "10.0.0.5", now: now) != nil)
    }
}

@Suite struct SessionTests {
    @Test func tokensAreLongRandomAndURLSafe() {
        let tokens = (0..<100).map { _ in SessionTable.randomToken() }
        #expect(Set(tokens).count == 100)
        for token in tokens {
            #expect(token.count == 43)
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
    }

    @Test func csrfComparisonNeedsTheWholeToken() {
        #expect(SessionTable.same("abc", "abc"))
        #expect(!SessionTable.same("abc", "abd"))
        #expect(!SessionTable.same("abc", "ab"))
        #expect(!SessionTable.same("", ""))
    }

    @Test func aSessionExpiresWhenIdle() {
        let table = SessionTable(lifetime: 60)
        let account = StaffAccount(name: "anna", role: .cashier, merchants: ["shop"], passwordHash: "x")
        let start = Date()
        let session = table.open(for: account, now: start)
        #expect(table.session(session.token, now: start.addingTimeInterval(59))?.user == "anna")
        #expect(table.session(session.token, now: start.addingTimeInterval(59 + 61)) == nil)
        #expect(table.session("not a token", now: start) == nil)
    }
}

@Suite struct StaffAccountTests {
    func folder() -> String {
        let path = NSTemporaryDirectory() + "staff-\(UUID().uuidString)"
        return path
    }

    @Test func theFileIsTheUsersAloneAndHoldsNoPassword() throws {
        let folder = folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let staff = try StaffAccounts(folder: folder)
        try staff.add(name: "owner", role: .owner, merchants: ["apotheek-de-linde"], password: "correct horse battery")
        let attributes = try FileManager.default.attributesOfItem(atPath: staff.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: staff.path, encoding: .utf8)
        #expect(!text.contains("correct horse"))
        #expect(text.contains("$2b$12$"))
        #expect(
            try StaffAccounts(folder: folder).verify(name: "owner", password: "correct horse battery")?.role == .owner)
        #expect(staff.verify(name: "owner", password: "wrong horse battery") == nil)
        #expect(staff.verify(name: "nobody", password: "correct horse battery") == nil)
    }

    @Test func badNamesAndShortPasswordsAreRefusedWithASentence() throws {
        let folder = folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let staff = try StaffAccounts(folder: folder)
        #expect(throws: StaffAccountError.self) {
            try staff.add(name: "anna smith", role: .cashier, merchants: ["shop"], password: "long enough pw")
        }
        #expect(throws: StaffAccountError.self) {
            try staff.add(name: "anna", role: .cashier, merchants: ["shop"], password: "short")
        }
        #expect(throws: StaffAccountError.self) {
            try staff.add(name: "anna", role: .cashier, merchants: [], password: "long enough pw")
        }
    }

    @Test func formBodiesDecodeAsBrowsersSendThem() {
        let fields = FormBody.fields("name=Anna+de+Vries&email=anna%40example.nl&empty=&_csrf=a-b_c&bad=%zz")
        #expect(fields["name"] == "Anna de Vries")
        #expect(fields["email"] == "anna@example.nl")
        #expect(fields["empty"] == "")
        #expect(fields["_csrf"] == "a-b_c")
        #expect(fields["bad"] == nil)
    }
}

@Suite struct TemplateTests {
    /// Every page's template is registered and parses, so no page can fail with "Something went wrong" for a missing one.
    @Test func everyTemplateIsRegisteredAndParses() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/WebServer")
        // The back office's templates and the cardholder pages' (CardholderTemplates.swift).
        let source = try ["Templates.swift", "CardholderTemplates.swift"].map {
            try String(contentsOfFile: folder.appendingPathComponent($0).path, encoding: .utf8)
        }.joined(separator: "\n")
        let declared = source.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("static let "), text.hasSuffix("= \"\"\""), !text.hasPrefix("static let stylesheet"),
                !text.hasPrefix("static let holderStylesheet")
            else { return nil }
            return String(text.dropFirst("static let ".count).prefix { $0 != " " })
        }
        #expect(
            declared.count == Templates.all.count,
            "declared \(declared.sorted()), registered \(Templates.all.keys.sorted())")
        for (name, text) in Templates.all {
            #expect(throws: Never.self, "\(name)") { _ = try MustacheTemplate(string: text) }
        }
    }
}

@Suite struct HolderRateLimitTests {
    /// A leaked or guessed link cannot be polled at speed: the 31st resolution of one token in a
    /// minute is refused, and so is the 61st from one address; the next minute starts again.
    @Test func tokensAndAddressesAreCountedPerMinute() {
        let limit = HolderRateLimit()
        let minute = Date(timeIntervalSince1970: 1_800_000_030)
        #expect((0..<30).allSatisfy { _ in limit.allow(token: "a", address: "1", now: minute) })
        #expect(!limit.allow(token: "a", address: "2", now: minute))
        #expect((0..<30).allSatisfy { limit.allow(token: "b\($0)", address: "3", now: minute) })
        #expect((0..<30).allSatisfy { limit.allow(token: "c\($0)", address: "3", now: minute) })
        #expect(!limit.allow(token: "d", address: "3", now: minute))
        #expect(limit.allow(token: "a", address: "1", now: minute.addingTimeInterval(60)))
    }
}
