import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

// Campaigns, prize draws and the program's end, as the SQLite store's LedgerDatabase
// +Campaigns, +Draws and +ProgramEnd, with the same rules (LedgerRules).
extension PostgresLedger {
    // MARK: Campaigns

    func currentFile(_ connection: PostgresConnection, merchant: Merchant) async throws -> (
        version: Int, file: ProgramFile
    ) {
        guard
            let row = try await connection.row(
                "SELECT version, rules FROM program_version WHERE merchant_id = \(merchant.id) ORDER BY version DESC LIMIT 1",
                logger: logger)
        else {
            throw LoyaltyError(.unknownMerchant, "\(merchant.code) has no program yet.")
        }
        return (
            Int(try row.int("version")), try ProgramFile.decode(Data(try row.text("rules").utf8), stored: true)
        )
    }

    public func campaigns(merchant code: String?, at instant: Date) async throws -> CampaignsAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let (version, file) = try await self.currentFile(connection, merchant: merchant)
            return LedgerRules.campaignsAnswer(merchant, version: version, file: file, at: instant)
        }
    }

    public func changeCampaigns(merchant code: String?, _ change: LedgerDatabase.CampaignChange, at instant: Date)
        async throws -> CampaignsAnswer
    {
        try await transaction { connection in
            // One program change at a time (as an import): two cores adding campaigns at once
            // both end up in the program, one version after the other.
            try await connection.run("SELECT pg_advisory_xact_lock(7316002)", logger: self.logger)
            let merchant = try await self.merchant(connection, code: code)
            let (_, current) = try await self.currentFile(connection, merchant: merchant)
            let file = try LedgerRules.changedCampaigns(current, change, merchant: merchant, at: instant)
            do {
                let (currency, text) = try LedgerRules.programVersion(file, stored: true)
                let stored = try await self.store(connection, file, currency, text)
                return LedgerRules.campaignsAnswer(merchant, version: stored.version, file: file, at: instant)
            } catch let error as ProgramError {
                throw LoyaltyError(.badRequest, error.message)
            }
        }
    }

    // MARK: The program's end

    func programEnd(_ connection: PostgresConnection, merchant: Merchant) async throws -> String? {
        try await connection.row(
            "SELECT end_date FROM program_end WHERE merchant_id = \(merchant.id)", logger: logger)?.text("end_date")
    }

    public func announceProgramEnd(merchant code: String?, date: String, by: String, now: Date) async throws
        -> ProgramEndAnswer
    {
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let end = try LedgerRules.checkedProgramEnd(
                date, announced: try await self.programEnd(connection, merchant: merchant), merchant: merchant,
                now: now)
            let at = Timestamp.format(now)
            // Two cores announcing at once: the second's insert fails on the primary key, its
            // transaction runs again and finds the first's announcement.
            try await connection.run(
                """
                INSERT INTO program_end (merchant_id, end_date, announced_at, announced_by)
                VALUES (\(merchant.id), \(end), \(at), \(by))
                """, logger: self.logger)
            // The end notices, recorded as on SQLite (one per consenting customer); `loyalgate
            // mail run --database` sends them (docs/mail.md).
            let recorded = try await connection.rows(
                """
                INSERT INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at, created_at)
                SELECT merchant_id, id, 'program-end', 'program-end:' || id, 'queued', \(at), \(at)
                FROM customer WHERE merchant_id = \(merchant.id) AND consent_mail = 1 AND erased_at IS NULL AND sealed IS NOT NULL
                ON CONFLICT (merchant_id, idempotency_key) DO NOTHING RETURNING id
                """, logger: self.logger)
            return ProgramEndAnswer(
                merchant: merchant.code, date: end, announcedAt: at, announcedBy: by, mailsRecorded: recorded.count)
        }
    }

    public func programEnd(merchant code: String?) async throws -> ProgramEndAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let row = try await connection.row(
                "SELECT end_date, announced_at, announced_by FROM program_end WHERE merchant_id = \(merchant.id)",
                logger: self.logger)
            return ProgramEndAnswer(
                merchant: merchant.code, date: try row?.text("end_date"), announcedAt: try row?.text("announced_at"),
                announcedBy: try row?.text("announced_by"))
        }
    }

    // MARK: Prize draws

    public func defineDraw(_ request: CoreOp.DrawDefine.Parameters, at instant: Date) async throws -> DrawView {
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let (code, name, from, until, per) = try LedgerRules.drawDefinition(
                request, merchant: merchant, at: instant)
            if try await connection.row(
                "SELECT 1 AS one FROM prize_draw WHERE merchant_id = \(merchant.id) AND code = \(code)",
                logger: self.logger) != nil
            {
                throw LoyaltyError(.badRequest, "A draw \(code) already exists; give this one its own name.")
            }
            try await connection.run(
                """
                INSERT INTO prize_draw (merchant_id, code, name, period_from, period_until, from_at, until_at,
                                        per_minor, winners, created_at)
                VALUES (\(merchant.id), \(code), \(name), \(request.from), \(request.until), \(Timestamp.format(from)),
                        \(Timestamp.format(until)), \(per), \(Int64(request.winners)), \(Timestamp.format(instant)))
                """, logger: self.logger)
            return try Self.drawView(
                try await self.drawRow(connection, merchant: merchant, code: code), merchant: merchant)
        }
    }

    public func commitDraw(merchant code: String?, draw: String, at instant: Date) async throws -> DrawView {
        let seed = PrizeDraw.newSeed()
        let cipher = try keys.cipher
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let row = try await self.drawRow(connection, merchant: merchant, code: try LedgerRules.drawCode(draw))
            try LedgerRules.refuseCommit(
                draw: draw, seedHash: try row.optionalText("seed_hash"), untilAt: try row.text("until_at"),
                at: instant)
            let id = try row.int("id")
            let sealed = try cipher.seal(seed, context: LedgerRules.seedContext(merchant: merchant, draw: id))
            try await connection.run(
                """
                UPDATE prize_draw SET seed_sealed = \(sealed), seed_hash = \(PrizeDraw.seedHash(seed)),
                       committed_at = \(Timestamp.format(instant)) WHERE id = \(id)
                """, logger: self.logger)
            return try Self.drawView(
                try await self.drawRow(connection, merchant: merchant, code: try row.text("code")), merchant: merchant)
        }
    }

    public func runDraw(merchant code: String?, draw: String, at instant: Date) async throws -> DrawView {
        let cipher = try keys.cipher
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            // Locked: two cores drawing at once draw once; the second finds it drawn.
            let row = try await self.drawRow(
                connection, merchant: merchant, code: try LedgerRules.drawCode(draw), lock: true)
            let id = try row.int("id")
            let seed = try LedgerRules.seedToDraw(
                draw: draw, drawnAt: try row.optionalText("drawn_at"), sealed: try row.bytes("seed_sealed"),
                seedHash: try row.optionalText("seed_hash"), untilAt: try row.text("until_at"),
                periodUntil: try row.text("period_until"), at: instant
            ) { try cipher.open($0, context: LedgerRules.seedContext(merchant: merchant, draw: id)) }
            let entries = try await self.drawEntries(connection, merchant: merchant, row: row)
            let (view, report) = try LedgerRules.drawn(
                try Self.drawView(row, merchant: merchant), entries: entries, seed: seed, merchant: merchant)
            try await connection.run(
                """
                UPDATE prize_draw SET seed = \(PrizeDraw.hex(seed)), drawn_at = \(Timestamp.format(instant)),
                       winning_cards = \(try LedgerRules.encoded(view.winningCards ?? [])), report = \(report.csv)
                WHERE id = \(id)
                """, logger: self.logger)
            return try Self.drawView(
                try await self.drawRow(connection, merchant: merchant, code: try row.text("code")), merchant: merchant)
        }
    }

    public func draws(merchant code: String?) async throws -> DrawListAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            return DrawListAnswer(
                draws: try await connection.rows(
                    "SELECT * FROM prize_draw WHERE merchant_id = \(merchant.id) ORDER BY id DESC", logger: self.logger
                ).map { try Self.drawView($0, merchant: merchant) })
        }
    }

    public func drawReport(merchant code: String?, draw: String) async throws -> DrawReportAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let row = try await self.drawRow(connection, merchant: merchant, code: try LedgerRules.drawCode(draw))
            let view = try Self.drawView(row, merchant: merchant)
            if let stored = try row.optionalText("report") {
                let file = try DrawReportFile.parse(stored)
                return DrawReportAnswer(
                    view: view,
                    entries: file.rows.map { .init(card: $0.card, spent: $0.spent, entries: $0.entries, won: $0.won) },
                    csv: stored)
            }
            let entries = try await self.drawEntries(connection, merchant: merchant, row: row)
            let file = LedgerRules.drawReportFile(view, entries: entries, merchant: merchant)
            return DrawReportAnswer(view: view, entries: entries, csv: file.csv)
        }
    }

    func drawRow(_ connection: PostgresConnection, merchant: Merchant, code: String, lock: Bool = false)
        async throws -> PostgresRandomAccessRow
    {
        let query: PostgresQuery =
            lock
            ? "SELECT * FROM prize_draw WHERE merchant_id = \(merchant.id) AND code = \(code) FOR UPDATE"
            : "SELECT * FROM prize_draw WHERE merchant_id = \(merchant.id) AND code = \(code)"
        guard let row = try await connection.row(query, logger: logger) else {
            throw LoyaltyError(.badRequest, "\(merchant.name) has no draw \(code).")
        }
        return row
    }

    static func drawView(_ row: PostgresRandomAccessRow, merchant: Merchant) throws -> DrawView {
        var columns: [String: (any DatabaseValueConvertible)?] = [:]
        for name in ["code", "name", "period_from", "period_until"] { columns[name] = try row.text(name) }
        for name in ["seed_hash", "committed_at", "seed", "drawn_at", "winning_cards"] {
            columns[name] = try row.optionalText(name)
        }
        columns["per_minor"] = try row.int("per_minor")
        columns["winners"] = try row.int("winners")
        return try LedgerRules.drawView(columns, merchant: merchant)
    }

    func drawEntries(_ connection: PostgresConnection, merchant: Merchant, row: PostgresRandomAccessRow)
        async throws -> [DrawReportAnswer.Entry]
    {
        let from = try row.text("from_at")
        let until = try row.text("until_at")
        let earns = try await connection.rows(
            """
            SELECT card_number, lines FROM till_txn
            WHERE merchant_id = \(merchant.id) AND kind = 'earn' AND at >= \(from) AND at < \(until) ORDER BY id
            """, logger: logger
        ).map { (card: try $0.text("card_number"), lines: try $0.optionalText("lines")) }
        // By the card of the earn, as on SQLite (LedgerDatabase.drawEntries): one row per card.
        let returns = try await connection.rows(
            """
            SELECT e.card_number, r.lines FROM till_txn r JOIN till_txn e ON e.id = r.original_txn_id
            WHERE e.merchant_id = \(merchant.id) AND e.kind = 'earn' AND e.at >= \(from) AND e.at < \(until)
            AND r.kind = 'return'
            """, logger: logger
        ).map { (card: try $0.text("card_number"), lines: try $0.optionalText("lines")) }
        return try LedgerRules.drawEntries(
            earns: earns, returns: returns, per: try row.int("per_minor"), merchant: merchant)
    }
}
