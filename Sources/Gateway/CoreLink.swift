import Foundation
import LoyalgateClient
import LoyalgateProtocol

/// The gateway's connection to the core, through the one typed client: blocking, so the scan
/// pipeline runs its calls on a thread of their own, one call at a time, and awaits each (hence
/// `@unchecked Sendable`). It (re)connects with exponential backoff and learns the card-number
/// ranges from `core.status` each time it connects.
final class CoreLink: @unchecked Sendable {
    /// The core's Unix socket, or a remote core over mutual TLS.
    let endpoint: CoreEndpoint
    let timeoutMilliseconds: Int32
    private var client: LoyalgateClient?
    private var backoff: Duration = .milliseconds(50)
    private(set) var nextAttempt = ContinuousClock.now
    /// Learned from the core; kept while it is away.
    private(set) var learnedRanges: [CardRange] = []
    private(set) var lastError: String?

    static let maximumBackoff: Duration = .seconds(2)

    init(endpoint: CoreEndpoint, timeoutMilliseconds: Int) {
        self.endpoint = endpoint
        self.timeoutMilliseconds = Int32(timeoutMilliseconds)
    }

    var isConnected: Bool { client != nil }

    /// Connects if the backoff allows; true when connected afterwards.
    @discardableResult
    func connectIfDue() -> Bool {
        if client != nil { return true }
        guard ContinuousClock.now >= nextAttempt else { return false }
        do {
            let candidate = try LoyalgateClient(endpoint: endpoint, timeoutMilliseconds: timeoutMilliseconds)
            let status = try candidate.call(CoreOp.CoreStatus.self)
            learnedRanges = status.merchants.compactMap { merchant in
                merchant.cardPrefix.map { CardRange(merchant: merchant.code, prefix: $0) }
            }
            client = candidate
            backoff = .milliseconds(50)
            lastError = nil
            return true
        } catch {
            disconnect(because: "\(error)")
            return false
        }
    }

    func disconnect(because reason: String) {
        client = nil
        lastError = reason
        nextAttempt = ContinuousClock.now + backoff
        backoff = min(backoff * 2, Self.maximumBackoff)
    }

    /// `card.lookup`: the core's answer, or the error it refused with. Throws when the core did
    /// not answer at all (down, restarting, too slow): the link is then disconnected.
    /// `voucher.lookup`, answered or refused like `lookup(card:merchant:)`.
    func lookup(voucher: String, merchant: String?) throws -> Result<VoucherView, LoyaltyError> {
        guard let client else { throw GatewayError("not connected") }
        do {
            return .success(try client.call(CoreOp.VoucherLookup.self, .init(merchant: merchant, code: voucher)))
        } catch let refusal as LoyaltyError {
            return .failure(refusal)
        } catch {
            disconnect(because: "\(error)")
            throw error
        }
    }

    /// A token for the card's own page, for the receipt's QR code (docs/cardholder.md).
    func cardholderToken(card: String, merchant: String?) throws -> Result<CardholderTokenAnswer, LoyaltyError> {
        guard let client else { throw GatewayError("not connected") }
        do {
            return .success(try client.call(CoreOp.CardholderToken.self, .init(merchant: merchant, card: card)))
        } catch let refusal as LoyaltyError {
            return .failure(refusal)
        } catch {
            disconnect(because: "\(error)")
            throw error
        }
    }

    func lookup(card: String, merchant: String?) throws -> Result<CardLookupAnswer, LoyaltyError> {
        guard let client else { throw GatewayError("not connected") }
        do {
            return .success(try client.call(CoreOp.CardLookup.self, .init(merchant: merchant, card: card)))
        } catch let refusal as LoyaltyError {
            // The core answered (unknown card, blocked, even its own internal error): the till
            // gets that answer; only a core that did not answer is retried later.
            return .failure(refusal)
        } catch {
            disconnect(because: "\(error)")
            throw error
        }
    }
}
