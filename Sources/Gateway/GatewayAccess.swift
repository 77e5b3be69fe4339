import Foundation
import LoyalgateProtocol
import SocketServer

/// Which merchant each till on the gateway socket acts for, in the style of the core's access
/// file: `"access": {"callers": [{"uid": 1001, "merchant": "apotheek-de-linde"},
/// {"gid": 1002, "merchant": "coop-plovdiv"}], "default": {"merchant": "..."}}` in the gateway
/// configuration (docs/gateway.md, "Who sees what").
///
/// A scan event carries the core's card look-up, with the customer's display name and a
/// pharmacy's patient reference; a till sees them only for its own merchant's cards. A till no
/// rule names (and no `default`) still gets every event, without that personal data.
public struct GatewayAccess: Sendable, Codable, Equatable {
    public struct Rule: Sendable, Codable, Equatable {
        public var uid: UInt32?
        public var gid: UInt32?
        public var merchant: String

        public init(uid: UInt32? = nil, gid: UInt32? = nil, merchant: String) {
            self.uid = uid
            self.gid = gid
            self.merchant = merchant
        }
    }

    public struct DefaultBinding: Sendable, Codable, Equatable {
        public var merchant: String
        public init(merchant: String) { self.merchant = merchant }
    }

    public var callers: [Rule]
    public var `default`: DefaultBinding?

    public init(callers: [Rule] = [], default defaultBinding: DefaultBinding? = nil) {
        self.callers = callers
        self.default = defaultBinding
    }

    /// The merchant a till acts for: the first rule naming its uid, else the first naming its
    /// primary or any supplementary group, else `default`, else nil (no personal data).
    public func merchant(uid: UInt32?, gid: UInt32?, groups: [UInt32]) -> String? {
        if let uid, let rule = callers.first(where: { $0.uid == uid }) { return rule.merchant }
        let memberOf = Set(groups + (gid.map { [$0] } ?? []))
        if let rule = callers.first(where: { rule in rule.uid == nil && rule.gid.map { memberOf.contains($0) } == true }
        ) {
            return rule.merchant
        }
        return self.default?.merchant
    }

    func merchant(for peer: PeerCredentials?) -> String? {
        merchant(uid: peer?.uid, gid: peer?.gid, groups: peer?.groups ?? [])
    }

    func validate() throws {
        for rule in callers {
            guard rule.uid != nil || rule.gid != nil else {
                throw ConfigurationError("access: every rule in \"callers\" needs a uid or a gid.")
            }
            guard !rule.merchant.isEmpty else {
                throw ConfigurationError("access: every rule in \"callers\" names the merchant the till acts for.")
            }
        }
    }
}

extension ScanEvent {
    /// The event as a till acting for `binding` may see it. Its own merchant's card: all of the
    /// look-up. No binding: the look-up without the display name and patient reference. Another
    /// merchant's card (or one whose merchant is not known): no look-up at all, `forbidden`.
    public func shown(to binding: String?, cardMerchant: String?) -> ScanEvent {
        // A voucher: its terms only to its own merchant's tills (or tills bound to none).
        if voucher != nil, let binding, binding != cardMerchant {
            var shown = self
            shown.voucher = nil
            shown.error = ErrorBody(
                LoyaltyError(
                    .forbidden, "This voucher is not \(binding)'s: this till sees only its own merchant's vouchers."))
            return shown
        }
        guard var card else { return self }
        if let binding, binding == cardMerchant { return self }
        var shown = self
        if let binding {
            shown.card = nil
            shown.error = ErrorBody(
                LoyaltyError(
                    .forbidden,
                    "This card is not \(binding)'s: this till sees only its own merchant's cards (the gateway's \"access\")."
                ))
            return shown
        }
        card.customer = nil
        card.patientRef = nil
        shown.card = card
        return shown
    }
}
