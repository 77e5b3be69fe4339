import Foundation
import LoyalgateProtocol
import LoyaltyCore
import Testing

/// A token past its expiry, made with the core's own key file: refused with the day it ended.
@Suite struct CardholderTokenExpiryTests {
    @Test func anExpiredTokenIsRefusedWithTheDayItEnded() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lg-token-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.path + "/keys/cardholder-token.key"
        let tokens = try CardholderTokens.load(path: path)
        let issued = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        let token = tokens.mint(
            .init(
                merchant: "apotheek-de-linde", card: "2990001000018", issued: issued,
                expires: issued.addingTimeInterval(86_400)))
        // The same file read again checks what the first made; a day later it has expired.
        let reread = try CardholderTokens.load(path: path)
        #expect(try reread.verify(token, at: issued.addingTimeInterval(60)).card == "2990001000018")
        do {
            _ = try reread.verify(token, at: issued.addingTimeInterval(2 * 86_400))
            Issue.record("an expired token was accepted")
        } catch {
            #expect(error.code == .forbidden)
            #expect(
                error.message
                    == "This card link expired on 2026-01-02: scan the QR code on your latest receipt for a new one.")
        }
        // Another key refuses it outright.
        #expect(throws: LoyaltyError.self) { try CardholderTokens.ephemeral().verify(token, at: issued) }
    }
}
