import Foundation
import Gateway
import LoyalgateProtocol
import Testing

/// Which till on the gateway socket sees which part of a card scan's look-up.
@Suite struct GatewayAccessTests {
    static let access = GatewayAccess(callers: [
        .init(uid: 1001, merchant: "apotheek-de-linde"),
        .init(gid: 2000, merchant: "coop-plovdiv"),
    ])

    /// A card scan as the gateway publishes it, with the core's whole look-up.
    static let scan = try! JSONDecoder().decode(
        ScanEvent.self,
        from: Data(
            #"""
            {"at":"2026-11-24T10:00:00Z","card":{"account":{"balance":"0.00","currency":"EUR","id":1,"points":23},
             "card":{"number":"2990001000018","status":"active"},"customer":{"displayName":"Anna K."},"member":false,
             "patientRef":"PAT-0042"},"data":"2990001000018",
             "device":{"family":null,"grabbed":true,"id":"0c2e:0b81:1","layout":"us","mode":"keyboard","name":"Voyager",
                       "node":"/dev/input/event5","productId":"0b81","vendorId":"0c2e"},
             "error":null,"kind":"card","scanId":1,"symbology":"EAN-13"}
            """#.utf8))

    @Test func tillsAreBoundByUidThenByAnyOfTheirGroups() {
        #expect(Self.access.merchant(uid: 1001, gid: 1001, groups: []) == "apotheek-de-linde")
        #expect(Self.access.merchant(uid: 1500, gid: 1500, groups: [27, 2000]) == "coop-plovdiv")
        #expect(Self.access.merchant(uid: 1500, gid: 1500, groups: [27]) == nil)
        var withDefault = Self.access
        withDefault.default = .init(merchant: "apotheek-de-linde")
        #expect(withDefault.merchant(uid: 1500, gid: 1500, groups: []) == "apotheek-de-linde")
    }

    @Test func aTillSeesTheWholeLookUpOnlyOfItsOwnMerchantsCards() {
        let own = Self.scan.shown(to: "apotheek-de-linde", cardMerchant: "apotheek-de-linde")
        #expect(own == Self.scan)
        let unbound = Self.scan.shown(to: nil, cardMerchant: "apotheek-de-linde")
        #expect(unbound.card?.customer == nil && unbound.card?.patientRef == nil)
        #expect(unbound.card?.account.points == 23)
        let other = Self.scan.shown(to: "coop-plovdiv", cardMerchant: "apotheek-de-linde")
        #expect(other.card == nil && other.error?.code == "forbidden")
        // A card whose merchant the gateway cannot tell is nobody's to see in full.
        #expect(Self.scan.shown(to: "apotheek-de-linde", cardMerchant: nil).card == nil)
    }

    @Test func aRuleWithoutUidOrGidIsRefused() throws {
        let json = #"{"access":{"callers":[{"merchant":"apotheek-de-linde"}]}}"#
        let configuration = try JSONDecoder().decode(GatewayConfiguration.self, from: Data(json.utf8))
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
