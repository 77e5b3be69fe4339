import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed
import Testing

/// The cardholder page's tokens through the real core binary over its socket: minted for a
/// card, resolved to its figures, refused when forged, and dead once the card is blocked or
/// replaced (docs/cardholder.md).
@Suite struct CardholderTokenTests {
    func refusal<Answer>(_ call: () throws -> Answer) -> LoyaltyError? {
        do {
            _ = try call()
            return nil
        } catch let error as LoyaltyError {
            return error
        } catch {
            return LoyaltyError(.internalError, "\(error)")
        }
    }

    @Test func aTokenShowsTheCardsFiguresAndSurvivesARestart() throws {
        let core = CoreProcess()
        let number = card("2990001", 41)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        let client = try core.typedClient()
        _ = try client.call(
            CoreOp.TxnEarn.self,
            .init(card: number, till: "t1", receipt: "c1", lines: [.init(sku: "x", amount: "12.00")]))
        let minted = try client.call(CoreOp.CardholderToken.self, .init(card: number, days: 30))
        #expect(minted.card == number)
        // No personal data and no account number in the token: only what the card says.
        #expect(!minted.token.contains(number))
        let view = try client.call(CoreOp.CardholderView.self, .init(token: minted.token))
        #expect(view.card == number)
        #expect(view.account.points == 12)
        #expect(view.account.id == nil)
        #expect(view.entries.first?.kind == "earn" && view.entries.first?.points == 12)
        #expect(view.shop == "Apotheek De Linde")

        // The key is in the data folder, the owner's alone, and outlives the process.
        let key = core.data + "/keys/cardholder-token.key"
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(core.terminate() == 0)
        try core.start()
        let again = try core.typedClient()
        #expect(try again.call(CoreOp.CardholderView.self, .init(token: minted.token)).account.points == 12)
    }

    @Test func aForgedTokenAndAnEndedCardAreRefusedWithASentence() throws {
        let core = CoreProcess()
        let number = card("2990001", 42)
        let other = card("2990001", 43)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number, other])
        try core.start()
        let client = try core.typedClient()
        let token = try client.call(CoreOp.CardholderToken.self, .init(card: number)).token

        // One character of the signature changed, or the payload swapped for another card's.
        var forged = Array(token)
        forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
        let forgedRefusal = refusal { try client.call(CoreOp.CardholderView.self, .init(token: String(forged))) }
        #expect(forgedRefusal?.code == .forbidden)
        #expect(forgedRefusal?.message.hasPrefix("This link is not a valid card link") == true)
        let otherToken = try client.call(CoreOp.CardholderToken.self, .init(card: other)).token
        let spliced = otherToken.split(separator: ".")[0] + "." + token.split(separator: ".")[1]
        #expect(
            refusal { try client.call(CoreOp.CardholderView.self, .init(token: String(spliced))) }?.code == .forbidden)
        #expect(refusal { try client.call(CoreOp.CardholderView.self, .init(token: "garbage")) }?.code == .forbidden)

        _ = try client.call(CoreOp.CardBlock.self, .init(card: number, reason: "lost"))
        let blocked = refusal { try client.call(CoreOp.CardholderView.self, .init(token: token)) }
        #expect(blocked?.code == .cardBlocked)
        #expect(blocked?.message == "This card is blocked, so its link no longer works: ask the shop.")
        // No new token for it either.
        #expect(refusal { try client.call(CoreOp.CardholderToken.self, .init(card: number)) }?.code == .cardBlocked)

        let replaced = try client.call(CoreOp.CardReplace.self, .init(card: other, reason: "worn"))
        #expect(refusal { try client.call(CoreOp.CardholderView.self, .init(token: otherToken)) }?.code == .cardBlocked)
        let fresh = try client.call(CoreOp.CardholderToken.self, .init(card: replaced.card.number)).token
        #expect(try client.call(CoreOp.CardholderView.self, .init(token: fresh)).card == replaced.card.number)
    }
}
