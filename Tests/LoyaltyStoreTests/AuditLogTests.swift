import Foundation
import GRDB
import LoyalgateProtocol
import Testbed
import Testing

@testable import LoyaltyStore

/// The back office's audit log is append-only, like the ledger: a web process (or anyone with
/// the core's ops) can add entries but never change or remove one.
@Suite struct AuditLogTests {
    @Test func auditEntriesCannotBeChangedOrDeleted() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO merchant (code, name, currency, minor_digits, time_zone, card_prefix, created_at)
                    VALUES ('apotheek-de-linde', 'Apotheek de Linde', 'EUR', 2, 'Europe/Amsterdam', '2990001', '2026-01-01T00:00:00Z');
                    INSERT INTO audit_log (merchant_id, user, action, subject, at)
                    VALUES (1, 'anna', 'customer.erase', 'customer:4', '2026-11-24T10:00:00Z');
                    """)
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "UPDATE audit_log SET user = 'kees'") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "DELETE FROM audit_log") }
        }
        #expect(try queue.read { db in try String.fetchOne(db, sql: "SELECT user FROM audit_log") } == "anna")
    }
}

/// The same through the store, on both stores (`StoreKind`): an entry appended by `audit.append`
/// is listed newest first and cannot be changed or removed behind the store's back either.
@Suite struct StoreAuditLogTests {
    @Test(arguments: StoreKind.available) func anAppendedEntryIsListedAndCannotBeChangedOrDeleted(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let first = try await ledger.store.appendAudit(
            .init(user: "anna", action: "customer.erase", subject: "customer:4", detail: "asked in the shop"))
        let second = try await ledger.store.appendAudit(
            .init(user: "kees", action: "card.block", subject: "2990001000018"))
        #expect(try await ledger.store.auditList(merchant: nil, limit: 10).entries == [second, first])
        #expect(
            await errorCode {
                try await ledger.store.appendAudit(.init(user: "", action: "card.block", subject: "x"))
            } == .badRequest)
        for statement in ["UPDATE audit_log SET detail = 'nothing happened'", "DELETE FROM audit_log"] {
            #expect(throws: (any Error).self) { try ledger.tamper(statement) }
        }
        #expect(try await ledger.store.auditList(merchant: nil, limit: 1).entries == [second])
        await ledger.close()
    }
}
