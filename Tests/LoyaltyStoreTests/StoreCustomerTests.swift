import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// A customer's life on either store: registered sealed, found at the till by phone, changed,
/// exported, erased, with the card's balance untouched.
@Suite struct StoreCustomerTests {
    @Test(arguments: StoreKind.available) func aCustomerIsFoundChangedExportedAndErased(_ kind: StoreKind) async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "42.00")])
        let registered = try await ledger.store.register(
            merchant: nil, details: CustomerDetails(name: "Anna de Vries", phone: "+31 6 12345678"),
            consents: Consents(mail: true, profiling: false), card: card)
        #expect(registered.cards.map(\.number) == [card] && registered.accounts.first?.points == 42)
        let found = try await ledger.store.findCustomers(merchant: nil, phone: "+31612345678", email: nil)
        #expect(found.customers.map(\.id) == [registered.id])
        #expect(try await ledger.store.lookup(merchant: nil, card: card).customer?.displayName != nil)
        let changed = try await ledger.store.updateCustomer(
            merchant: nil, id: registered.id, patch: CustomerPatch(email: "anna@example.org"), consents: nil)
        #expect(changed.details?.email == "anna@example.org" && changed.consents.mail)
        let export = try await ledger.store.exportCustomer(merchant: nil, id: registered.id)
        #expect(export.customer.details?.name == "Anna de Vries" && export.ledger.map(\.points) == [42])
        try await ledger.store.erase(merchant: nil, id: registered.id)
        let erased = try await ledger.store.customer(merchant: nil, id: registered.id)
        #expect(erased.details == nil && erased.erasedAt != nil)
        #expect(
            try await ledger.store.findCustomers(merchant: nil, phone: "+31612345678", email: nil).customers.isEmpty)
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.points == 42)
        #expect(try await ledger.verify().problems.isEmpty)
        await ledger.close()
    }
}
