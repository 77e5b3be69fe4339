import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed
import Testing

/// A chain on one real PostgreSQL database (Testbed.PostgresServer): several real `loyalgate
/// core --database postgres://...` processes, each with its own socket, as shops would run them.
@Suite(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed: scripts/install-deps"))
struct PostgresChainTests {
    /// The chain's database set up as a technician would: `loyalgate core init` as the owner,
    /// then the cores connect as the role it created.
    static func chainDatabase() throws -> (server: PostgresServer, owner: String, core: String, name: String) {
        let server = try PostgresServer.shared()
        let database = try server.database()
        let role = database.name + "_core"
        let initialised = try Loyalgate.run(["core", "init", "--database", database.url, "--core-role", role])
        guard initialised.status == 0 else {
            throw CoreProcess.SetupError("core init exited \(initialised.status): \(initialised.stderr)")
        }
        return (server, database.url, "postgres://\(role)@127.0.0.1:\(server.port)/\(database.name)", database.name)
    }

    /// The Dutch pharmacy's program, enrolling a new card of its range on its first earn (the
    /// chain's cores have no `cards add` of their own: cards come with their first sale).
    static func enrollingPharmacy() throws -> String {
        var file = try ProgramFile.read(contentsOf: Loyalgate.examples.appendingPathComponent("dutch-pharmacy.json"))
        file.program.autoEnrol = true
        return String(decoding: try JSONEncoder().encode(file), as: UTF8.self)
    }

    @Test func threeCoresWithTwentyTillsEachNeverOverdrawOneAccount() async throws {
        let chain = try Self.chainDatabase()
        let cores = (0..<3).map { _ in CoreProcess() }
        // One personal-data key for the chain: the first core creates it, the others use it.
        let key = cores[0].data + "/chain-keys/personal-data.key"
        for core in cores {
            try core.start(arguments: ["--database", chain.core, "--key", key], within: .seconds(30))
        }
        defer { for core in cores { _ = core.terminate() } }
        let program = try Self.enrollingPharmacy()
        _ = try await cores[0].typedClient().call(CoreOp.ProgramImport.self, .init(file: program))
        let card = try CardNumber(prefix: "2990001", serial: 1).digits
        // 100.00 earns 100 points at the pharmacy (a new card of its range is enrolled).
        let earned = try await cores[1].typedClient().call(
            CoreOp.TxnEarn.self,
            .init(card: card, till: "office", receipt: "E1", lines: [SaleLineInput(sku: "a", amount: "100.00")]))
        #expect(earned.account.points == 100)

        // 60 tills, 20 on each core, each asking twice for 7 points: 120 asks, 14 can be paid.
        let clients = try (0..<60).map { try cores[$0 % 3].typedClient() }
        let outcomes = await withTaskGroup(of: [(String, LoyaltyError.Code?)].self) { group in
            for till in 0..<60 {
                group.addTask {
                    var answers: [(String, LoyaltyError.Code?)] = []
                    let client = clients[till]
                    for receipt in 1...2 {
                        let key = "till-\(till)/R\(receipt)"
                        do {
                            let answer = try await client.call(
                                CoreOp.TxnRedeem.self,
                                .init(card: card, till: "till-\(till)", receipt: "R\(receipt)", points: 7))
                            answers.append((key, answer.account.points >= 0 ? nil : .internalError))
                        } catch let error as LoyaltyError {
                            answers.append((key, error.code))
                        } catch {
                            answers.append((key, .internalError))
                        }
                    }
                    return answers
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(outcomes.count == 120)
        #expect(Set(outcomes.map(\.0)).count == 120)  // every (till, receipt) answered once
        #expect(
            outcomes.filter { $0.1 == nil }.count == 14,
            "\(outcomes.filter { $0.1 != nil && $0.1 != .insufficientBalance })")
        #expect(outcomes.filter { $0.1 == .insufficientBalance }.count == 106)
        let looked = try await cores[2].typedClient().call(CoreOp.CardLookup.self, .init(card: card))
        #expect(looked.account.points == 2)
        // Each spent (till, receipt) is one transaction: a till's retry replays it on any core.
        let paid = outcomes.first { $0.1 == nil }!.0.split(separator: "/")
        let retried = try await cores[(Int(paid[0].dropFirst(5))! + 1) % 3].typedClient().call(
            CoreOp.TxnRedeem.self, .init(card: card, till: String(paid[0]), receipt: String(paid[1]), points: 7))
        #expect(retried.replayed)
        #expect(
            try chain.server.sql("SELECT COUNT(*) FROM till_txn WHERE kind = 'redeem'", database: chain.name)
                .trimmingCharacters(in: .whitespacesAndNewlines) == "14")

        let verify = try Loyalgate.run(["core", "verify", "--database", chain.core])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(
            verify.stdout.contains("checked 1 accounts, 15 till transactions, 15 ledger entries"), "\(verify.stdout)")
    }

    @Test func theCoresRoleCannotChangeOrDeleteLedgerEntries() throws {
        let chain = try Self.chainDatabase()
        let core = CoreProcess()
        try core.start(arguments: ["--database", chain.core], within: .seconds(30))
        defer { _ = core.terminate() }
        let program = try Self.enrollingPharmacy()
        _ = try core.typedClient().call(CoreOp.ProgramImport.self, .init(file: program))
        let card = try CardNumber(prefix: "2990001", serial: 1).digits
        _ = try core.typedClient().call(
            CoreOp.TxnEarn.self,
            .init(card: card, till: "t1", receipt: "E1", lines: [SaleLineInput(sku: "a", amount: "10.00")]))
        let role = String(chain.core.dropFirst("postgres://".count).prefix { $0 != "@" })
        for statement in ["UPDATE ledger_entry SET points = 500", "DELETE FROM ledger_entry", "TRUNCATE ledger_entry"] {
            #expect(throws: ChildProcess.Failure.self) {
                try chain.server.sql(statement, database: chain.name, user: role)
            }
        }
        // Not even the owner can: the triggers refuse it whoever asks.
        let owner = String(chain.owner.dropFirst("postgres://".count).prefix { $0 != "@" })
        for statement in ["UPDATE ledger_entry SET points = 500", "DELETE FROM ledger_entry"] {
            #expect(throws: ChildProcess.Failure.self) {
                try chain.server.sql(statement, database: chain.name, user: owner)
            }
        }
        // What the core may do, it still does: appending.
        #expect(
            try core.typedClient().call(
                CoreOp.TxnEarn.self,
                .init(card: card, till: "t1", receipt: "E2", lines: [SaleLineInput(sku: "a", amount: "5.00")])
            ).account.points == 15)
        #expect(try Loyalgate.run(["core", "verify", "--database", chain.core]).status == 0)
    }
}

/// `loyalgate migrate`: a shop that ran on SQLite moves onto the chain's PostgreSQL.
@Suite(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed: scripts/install-deps"))
struct ShopMigrationTests {
    @Test func aShopMovesOntoTheChainAndVerifyAgreesOnBothSides() throws {
        let shop = CoreProcess()
        let card = try CardNumber(prefix: "2990001", serial: 1).digits
        try shop.setUp(programs: ["dutch-pharmacy"], cards: [card])
        // A second version of the program: old entries keep pointing at version 1.
        let renamed = try String(
            contentsOf: Loyalgate.examples.appendingPathComponent("dutch-pharmacy.json"), encoding: .utf8)
        try shop.start()
        let client = try shop.typedClient()
        _ = try client.call(
            CoreOp.TxnEarn.self,
            .init(
                card: card, till: "t1", receipt: "E1",
                lines: [SaleLineInput(sku: "tv", amount: "100.00"), SaleLineInput(sku: "cream", amount: "30.00")]))
        _ = try client.call(CoreOp.TxnRedeem.self, .init(card: card, till: "t1", receipt: "R1", points: 20))
        _ = try client.call(
            CoreOp.TxnReturn.self,
            .init(
                till: "t1", receipt: "X1", original: .init(till: "t1", receipt: "E1"),
                lines: [SaleLineInput(sku: "cream", amount: "30.00")]))
        let customer = try client.call(
            CoreOp.CustomerRegister.self,
            .init(details: CustomerDetails(name: "Anna de Vries", phone: "+31612345678"), card: card))
        _ = try client.call(
            CoreOp.ProgramImport.self,
            .init(file: renamed.replacingOccurrences(of: "Apotheek", with: "Apotheek (nieuw)")))
        #expect(shop.terminate() == 0)
        let before = try Loyalgate.run(["core", "verify", "--data", shop.data])
        #expect(before.status == 0)

        let server = try PostgresServer.shared()
        let database = try server.database()
        let migrated = try Loyalgate.run(["migrate", "--from", shop.data, "--to", database.url])
        #expect(migrated.status == 0, "\(migrated.stdout)\(migrated.stderr)")
        #expect(migrated.stdout.contains("verify agrees on both sides"), "\(migrated.stdout)")
        #expect(migrated.stdout.contains("SQLite:     1 accounts, 3 till transactions, 3 ledger entries, 0 problems"))
        #expect(migrated.stdout.contains("PostgreSQL: 1 accounts, 3 till transactions, 3 ledger entries, 0 problems"))
        // The customer is still sealed: the same ciphertext, never opened on the way.
        let sqliteSealed = try ChildProcess.run(
            "/usr/bin/sqlite3", [shop.data + "/loyalgate.sqlite", "SELECT lower(hex(sealed)) FROM customer"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let postgresSealed = try server.sql("SELECT encode(sealed, 'hex') FROM customer", database: database.name)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!sqliteSealed.isEmpty && sqliteSealed == postgresSealed)
        #expect(!postgresSealed.contains(Data("Anna".utf8).map { String(format: "%02x", $0) }.joined()))
        #expect(try server.sql("SELECT COUNT(*) FROM program_version", database: database.name).hasPrefix("2"))
        #expect(customer.id == 1)

        // A core on the chain answers for the card as the shop did, and goes on from there.
        // Its key goes along (by hand, docs/chain.md): the sealed customer opens on the chain.
        let chainCore = CoreProcess()
        try chainCore.start(
            arguments: ["--database", database.url, "--key", shop.data + "/keys/personal-data.key"],
            within: .seconds(30))
        defer { _ = chainCore.terminate() }
        let looked = try chainCore.typedClient().call(CoreOp.CardLookup.self, .init(card: card))
        #expect(looked.account.points == 80)  // 130 - 20 - 30
        #expect(looked.customer != nil)
        let record = try chainCore.typedClient().call(CoreOp.CustomerGet.self, .init(customer: customer.id))
        #expect(record.details?.name == "Anna de Vries")
        let found = try chainCore.typedClient().call(CoreOp.CustomerFind.self, .init(phone: "+31612345678"))
        #expect(found.customers.map(\.id) == [customer.id])
        let history = try chainCore.typedClient().call(CoreOp.AccountHistory.self, .init(card: card))
        #expect(history.entries.map(\.kind) == ["return", "redeem", "earn"])
        let next = try chainCore.typedClient().call(
            CoreOp.TxnEarn.self,
            .init(card: card, till: "t1", receipt: "E2", lines: [SaleLineInput(sku: "a", amount: "10.00")]))
        #expect(next.txn == 4 && next.points == 10 && next.account.points == 90)
    }

    /// A German market's coffee stamps, an unused voucher, a patient link and its audit log move
    /// over and go on on the chain: the reward, the voucher's one use, the log's next entry.
    @Test func aMigratedShopsStampsVouchersAndAuditLogGoOnOnTheChain() throws {
        let shop = CoreProcess()
        let number = card("2440001", 31)
        try shop.setUp(programs: ["german-shop"], cards: [number])
        try shop.start()
        let client = try shop.typedClient()
        _ = try client.call(
            CoreOp.TxnEarn.self,
            .init(
                card: number, till: "k1", receipt: "S1",
                lines: [SaleLineInput(sku: "latte", amount: "27.50", qty: 11, category: "coffee")]))
        let voucher = try client.call(
            CoreOp.VoucherIssue.self, .init(card: number, till: "k1", receipt: "V1", kind: .value, amount: "5.00"))
        _ = try client.call(CoreOp.CardLinkPatient.self, .init(card: number, patientRef: "K-7"))
        let logged = try client.call(
            CoreOp.AuditAppend.self, .init(user: "anna", action: "card.link-patient", subject: number))
        #expect(shop.terminate() == 0)

        let server = try PostgresServer.shared()
        let database = try server.database()
        let migrated = try Loyalgate.run(["migrate", "--from", shop.data, "--to", database.url])
        #expect(migrated.status == 0, "\(migrated.stdout)\(migrated.stderr)")
        let chainCore = CoreProcess()
        try chainCore.start(
            arguments: ["--database", database.url, "--key", shop.data + "/keys/personal-data.key"],
            within: .seconds(30))
        defer { _ = chainCore.terminate() }
        let chain = try chainCore.typedClient()
        let looked = try chain.call(CoreOp.CardLookup.self, .init(card: number))
        #expect(looked.stampCard?.stamps == 11 && looked.patientRef == "K-7")
        #expect(looked.vouchers?.map(\.code) == [voucher.voucher.code])
        #expect(
            try chain.call(CoreOp.StampsRedeem.self, .init(card: number, till: "k2", receipt: "X1")).balance == 1)
        let used = try chain.call(
            CoreOp.VoucherRedeem.self,
            .init(code: voucher.voucher.code, till: "k2", receipt: "B1", purchaseTotal: "20.00"))
        #expect(used.discount == "5.00" && used.voucher.state == "spent")
        do {
            _ = try chain.call(
                CoreOp.VoucherRedeem.self,
                .init(code: voucher.voucher.code, till: "k3", receipt: "B2", purchaseTotal: "20.00"))
            Issue.record("a migrated voucher was used twice")
        } catch let error as LoyaltyError {
            #expect(error.code == .voucherSpent)
        }
        let next = try chain.call(
            CoreOp.AuditAppend.self, .init(user: "kees", action: "voucher.redeem", subject: voucher.voucher.code))
        #expect(next.id == logged.id + 1)
        #expect(try chain.call(CoreOp.AuditList.self, .init()).entries == [next, logged])
        let verify = try Loyalgate.run(["core", "verify", "--database", database.url])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    /// A shop's campaign, its drawn prize draw and its announced end come along, and the
    /// chain keeps the draw's promises in its own schema.
    @Test func aDrawnDrawACampaignAndTheProgramsEndMoveOntoTheChain() throws {
        let shop = CoreProcess()
        let cards = (51...52).map { card("2990001", $0) }
        try shop.setUp(programs: ["dutch-pharmacy"], cards: cards)
        try shop.start()
        let office = try shop.typedClient()
        _ = try office.call(CoreOp.CampaignAdd.self, .init(campaign: CampaignSocketTests.vichy))
        let end = ProgramEndTests.day(months: 7)
        _ = try office.call(CoreOp.ProgramEndAnnounce.self, .init(date: end, by: "owner"))
        let start = Date()
        let until = start.addingTimeInterval(3)
        _ = try office.call(
            CoreOp.DrawDefine.self,
            .init(
                draw: "market", name: "Together at the market",
                from: Timestamp.format(start.addingTimeInterval(-3600)), until: Timestamp.format(until),
                per: "10.00", winners: 1))
        let committed = try office.call(CoreOp.DrawCommit.self, .init(draw: "market"))
        for (index, number) in cards.enumerated() {
            _ = try office.call(
                CoreOp.TxnEarn.self,
                .init(card: number, till: "t1", receipt: "E\(index)", lines: [.init(sku: "x", amount: "25.00")]))
        }
        Thread.sleep(until: until.addingTimeInterval(1))
        let drawn = try office.call(CoreOp.DrawRun.self, .init(draw: "market"))
        let report = try office.call(CoreOp.DrawReport.self, .init(draw: "market"))
        #expect(shop.terminate() == 0)

        let server = try PostgresServer.shared()
        let database = try server.database()
        let migrated = try Loyalgate.run(["migrate", "--from", shop.data, "--to", database.url])
        #expect(migrated.status == 0, "\(migrated.stdout)\(migrated.stderr)")
        let chainCore = CoreProcess()
        try chainCore.start(
            arguments: ["--database", database.url, "--key", shop.data + "/keys/personal-data.key"],
            within: .seconds(30))
        defer { _ = chainCore.terminate() }
        let chain = try chainCore.typedClient()
        let draws = try chain.call(CoreOp.DrawList.self, .init()).draws
        #expect(draws.map(\.state) == ["drawn"])
        #expect(draws.first?.seedHash == committed.seedHash && draws.first?.winningCards == drawn.winningCards)
        #expect(try chain.call(CoreOp.DrawReport.self, .init(draw: "market")).csv == report.csv)
        #expect(try chain.call(CoreOp.CampaignList.self, .init()).campaigns.map(\.campaign.id) == ["vichy-march"])
        #expect(try chain.call(CoreOp.ProgramEndGet.self, .init()).date == end)
        do {
            _ = try chain.call(
                CoreOp.TxnEarn.self,
                .init(
                    card: cards[0], till: "t1", receipt: "late", lines: [.init(sku: "x", amount: "5.00")],
                    at: ProgramEndTests.noon(end)))
            Issue.record("the chain gave points on the program's last day")
        } catch let error as LoyaltyError {
            #expect(error.code == .programClosed)
        }
        // The promises hold for the database's owner too, not only for the core's role.
        for statement in [
            "UPDATE prize_draw SET winning_cards = '[]'", "DELETE FROM prize_draw",
            "UPDATE program_end SET end_date = '2099-01-01'",
        ] {
            #expect(throws: (any Error).self, "\(statement)") {
                try server.sql(statement, database: database.name)
            }
        }
        #expect(
            try server.sql("SELECT winning_cards FROM prize_draw", database: database.name).contains(
                drawn.winningCards?.first ?? "?"))
    }

    @Test func aShopWithTablesThePostgresStoreDoesNotHoldIsRefusedByName() throws {
        let shop = CoreProcess()
        try shop.setUp(programs: ["dutch-pharmacy"])
        _ = try ChildProcess.run(
            "/usr/bin/sqlite3",
            [shop.data + "/loyalgate.sqlite", "CREATE TABLE loyalty_tiers (id INTEGER PRIMARY KEY)"])
        let server = try PostgresServer.shared()
        let database = try server.database()
        let migrated = try Loyalgate.run(["migrate", "--from", shop.data, "--to", database.url])
        #expect(migrated.status != 0)
        #expect(
            migrated.stderr.contains("tables the PostgreSQL store does not hold: loyalty_tiers"),
            "\(migrated.stdout)\(migrated.stderr)")
        // Refused before anything was written: not even the schema.
        #expect(
            try server.sql("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'merchant'", database: database.name)
                .hasPrefix("0"))
    }

    /// A shop's welcome mail not yet sent moves onto the chain with `loyalgate migrate`, and
    /// `loyalgate mail run --database` (the chain's pass, on any host) sends it once.
    @Test(.enabled(if: SMTPRecorder.available, "needs python3-aiosmtpd (scripts/install-deps)"))
    func aMigratedShopsPendingWelcomeMailIsSentOnceByTheChainsMailRun() throws {
        let shop = CoreProcess()
        try shop.setUp(programs: ["dutch-pharmacy"])
        let relay = try SMTPRecorder(folder: shop.data + "/relay")
        let settings = try MailRunTests.settings(shop, relay: relay)
        try shop.start()
        let registered = try Loyalgate.run(
            [
                "customer", "register", "--socket", shop.socket, "--name", "Jan de Vries", "--email", "jan@example.nl",
                "--consent-mail",
            ])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(shop.terminate() == 0)

        let database = try PostgresServer.shared().database()
        let migrated = try Loyalgate.run(["migrate", "--from", shop.data, "--to", database.url])
        #expect(migrated.status == 0, "\(migrated.stdout)\(migrated.stderr)")
        let pass = [
            "mail", "run", "--database", database.url, "--key", shop.data + "/keys/personal-data.key", "--config",
            settings,
        ]
        let first = try Loyalgate.run(pass)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("\"delivered\" : 1"), "\(first.stdout)")
        let again = try Loyalgate.run(pass)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(relay.messages().map(\.recipient) == ["jan@example.nl"])
        let mail = ReceivedMail(relay.messages().first?.raw ?? "")
        #expect(
            ReceivedMail.decodeWords(mail.headers["subject"] ?? "")
                == "Welkom bij de klantenkaart van Apotheek De Linde")
    }
}
