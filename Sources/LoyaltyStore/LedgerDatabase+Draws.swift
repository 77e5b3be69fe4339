import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// Prize draws (docs/campaigns-and-draws.md): defined for a period, the seed committed (its
/// SHA-256 published) before the period ends, drawn after it with `PrizeDraw`.
extension LedgerDatabase {
    public func defineDraw(_ request: CoreOp.DrawDefine.Parameters, at instant: Date) async throws -> DrawView {
        try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let (code, name, from, until, per) = try Self.drawDefinition(request, merchant: merchant, at: instant)
            if try Bool.fetchOne(
                db, sql: "SELECT 1 FROM prize_draw WHERE merchant_id = ? AND code = ?", arguments: [merchant.id, code])
                != nil
            {
                throw LoyaltyError(.badRequest, "A draw \(code) already exists; give this one its own name.")
            }
            try db.execute(
                sql: """
                    INSERT INTO prize_draw (merchant_id, code, name, period_from, period_until, from_at, until_at,
                                            per_minor, winners, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    merchant.id, code, name, request.from, request.until, Timestamp.format(from),
                    Timestamp.format(until), per, request.winners, Timestamp.format(instant),
                ])
            return try Self.drawView(Self.drawRow(db, merchant: merchant, code: code), merchant: merchant)
        }
    }

    /// Draws a seed, seals it and records its SHA-256: the commitment, published before the
    /// period ends so nobody can pick a seed once the entries are known.
    public func commitDraw(merchant code: String?, draw: String, at instant: Date) async throws -> DrawView {
        let seed = PrizeDraw.newSeed()
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let row = try Self.drawRow(db, merchant: merchant, code: try Self.drawCode(draw))
            try Self.refuseCommit(draw: draw, seedHash: row["seed_hash"], untilAt: row["until_at"], at: instant)
            let id: Int64 = row["id"]
            let sealed = try self.cipher.seal(seed, context: Self.seedContext(merchant: merchant, draw: id))
            try db.execute(
                sql: "UPDATE prize_draw SET seed_sealed = ?, seed_hash = ?, committed_at = ? WHERE id = ?",
                arguments: [sealed, PrizeDraw.seedHash(seed), Timestamp.format(instant), id])
            return try Self.drawView(Self.drawRow(db, merchant: merchant, code: row["code"]), merchant: merchant)
        }
    }

    /// Counts the entries, draws the winners from the committed seed and reveals it; the report
    /// (CSV) is stored with the draw, so later returns do not change a drawn result.
    public func runDraw(merchant code: String?, draw: String, at instant: Date) async throws -> DrawView {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let row = try Self.drawRow(db, merchant: merchant, code: try Self.drawCode(draw))
            let id: Int64 = row["id"]
            let seed = try Self.seedToDraw(
                draw: draw, drawnAt: row["drawn_at"], sealed: row["seed_sealed"], seedHash: row["seed_hash"],
                untilAt: row["until_at"], periodUntil: row["period_until"], at: instant
            ) { try self.cipher.open($0, context: Self.seedContext(merchant: merchant, draw: id)) }
            let entries = try Self.drawEntries(db, merchant: merchant, row: row)
            let (view, report) = try Self.drawn(
                try Self.drawView(row, merchant: merchant), entries: entries, seed: seed, merchant: merchant)
            let winners = view.winningCards ?? []
            try db.execute(
                sql: "UPDATE prize_draw SET seed = ?, drawn_at = ?, winning_cards = ?, report = ? WHERE id = ?",
                arguments: [
                    PrizeDraw.hex(seed), Timestamp.format(instant),
                    try LedgerRules.encoded(winners), report.csv, id,
                ])
            return try Self.drawView(Self.drawRow(db, merchant: merchant, code: row["code"]), merchant: merchant)
        }
    }

    public func draws(merchant code: String?) async throws -> DrawListAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            return DrawListAnswer(
                draws: try Row.fetchAll(
                    db, sql: "SELECT * FROM prize_draw WHERE merchant_id = ? ORDER BY id DESC", arguments: [merchant.id]
                ).map { try Self.drawView($0, merchant: merchant) })
        }
    }

    /// The draw with its entries: as drawn once it is, counted so far before.
    public func drawReport(merchant code: String?, draw: String) async throws -> DrawReportAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let row = try Self.drawRow(db, merchant: merchant, code: try Self.drawCode(draw))
            let view = try Self.drawView(row, merchant: merchant)
            if let stored = row["report"] as String? {
                let file = try DrawReportFile.parse(stored)
                return DrawReportAnswer(
                    view: view,
                    entries: file.rows.map { .init(card: $0.card, spent: $0.spent, entries: $0.entries, won: $0.won) },
                    csv: stored)
            }
            let entries = try Self.drawEntries(db, merchant: merchant, row: row)
            let file = Self.reportFile(view, entries: entries, merchant: merchant)
            return DrawReportAnswer(view: view, entries: entries, csv: file.csv)
        }
    }

    /// A definition checked at `instant`: its code, name, period and `per` in minor units.
    static func drawDefinition(_ request: CoreOp.DrawDefine.Parameters, merchant: Merchant, at instant: Date)
        throws(LoyaltyError) -> (code: String, name: String, from: Date, until: Date, perMinor: Int64)
    {
        let code = try Self.drawCode(request.draw)
        let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.unicodeScalars.count <= 200,
            !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else {
            throw LoyaltyError(.badRequest, "A draw needs a name of 1 to 200 characters on one line.")
        }
        let from = try Self.drawTime(request.from, field: "from", timeZone: merchant.timeZone)
        let until = try Self.drawTime(request.until, field: "until", timeZone: merchant.timeZone)
        guard from < until else {
            throw LoyaltyError(
                .badRequest, "The draw's period must start (\(request.from)) before it ends (\(request.until)).")
        }
        guard until > instant else {
            throw LoyaltyError(
                .badRequest,
                "The draw's period has already ended (\(request.until)): its seed must be committed before the entries are known."
            )
        }
        guard let per = try? Money(parsing: request.per, currency: merchant.currency), per.minorUnits > 0,
            per.minorUnits <= Limits.balance
        else {
            throw LoyaltyError(
                .badRequest,
                "\"per\": \"\(request.per)\" must be a positive amount in \(merchant.currency.code), like \"10.00\"."
            )
        }
        guard (1...1000).contains(request.winners) else {
            throw LoyaltyError(.badRequest, "\"winners\": \(request.winners) must be between 1 and 1000.")
        }
        return (code, name, from, until, per.minorUnits)
    }

    /// Why a draw in this state cannot be committed at `instant`, if it cannot.
    static func refuseCommit(draw: String, seedHash: String?, untilAt: String, at instant: Date) throws(LoyaltyError) {
        guard seedHash == nil else {
            throw LoyaltyError(.badRequest, "Draw \(draw) is already committed; its seed cannot change.")
        }
        guard Timestamp.format(instant) < untilAt else {
            throw LoyaltyError(
                .badRequest,
                "Draw \(draw)'s period has ended: a seed committed now could be chosen knowing the entries. Define a new draw."
            )
        }
    }

    /// The committed seed of a draw that may be drawn at `instant`: opened and checked against
    /// its commitment.
    static func seedToDraw(
        draw: String, drawnAt: String?, sealed: Data?, seedHash: String?, untilAt: String, periodUntil: String,
        at instant: Date, open: (Data) throws -> Data
    ) throws -> Data {
        if let drawnAt {
            throw LoyaltyError(.badRequest, "Draw \(draw) was already drawn at \(drawnAt).")
        }
        guard let sealed, let seedHash else {
            throw LoyaltyError(.badRequest, "Draw \(draw) has no committed seed yet: commit it before its period ends.")
        }
        guard Timestamp.format(instant) >= untilAt else {
            throw LoyaltyError(.badRequest, "Draw \(draw)'s period runs until \(periodUntil): draw it after that.")
        }
        let seed = try open(sealed)
        guard PrizeDraw.seedHash(seed) == seedHash else {
            throw LoyaltyError(.internalError, "Draw \(draw)'s sealed seed does not match its commitment.")
        }
        return seed
    }

    /// The drawn view and the report stored with it: the winners drawn from `seed`.
    static func drawn(_ view: DrawView, entries: [DrawReportAnswer.Entry], seed: Data, merchant: Merchant) throws
        -> (view: DrawView, report: DrawReportFile)
    {
        guard
            let winners = PrizeDraw.winners(
                entries: entries.map { PrizeDraw.Entry(card: $0.card, entries: $0.entries) }, seed: seed,
                count: view.winners)
        else {
            throw LoyaltyError(.outOfRange, "Draw \(view.draw) has more entries than can be counted.")
        }
        var view = view
        view.seed = PrizeDraw.hex(seed)
        view.winningCards = winners
        return (view, Self.reportFile(view, entries: entries, merchant: merchant))
    }

    // MARK: - Parts

    static func drawCode(_ text: String) throws(LoyaltyError) -> String {
        guard !text.isEmpty, text.unicodeScalars.count <= 64,
            text.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            })
        else {
            throw LoyaltyError(.badRequest, "\"draw\": \"\(text.prefix(64))\" must be 1 to 64 letters, digits, - or _.")
        }
        return text
    }

    /// A period's bound: a local time in the merchant's zone (`2027-03-01T00:00`) or an RFC 3339
    /// instant (`2027-03-01T00:00:00+02:00`).
    static func drawTime(_ text: String, field: String, timeZone: TimeZone) throws(LoyaltyError) -> Date {
        if let instant = Timestamp.parse(text) { return instant }
        let parts = text.split(separator: "T")
        let date = parts.first.map { $0.split(separator: "-").compactMap { Int($0) } } ?? []
        let time = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Int($0) } : []
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard parts.count == 2, date.count == 3, time.count == 2, text.utf8.count == 16,
            Timestamp.years.contains(date[0]), (1...12).contains(date[1]), (1...31).contains(date[2]),
            (0...23).contains(time[0]), (0...59).contains(time[1]),
            let instant = calendar.date(
                from: DateComponents(year: date[0], month: date[1], day: date[2], hour: time[0], minute: time[1])),
            calendar.component(.day, from: instant) == date[2]
        else {
            throw LoyaltyError(
                .badRequest,
                "\"\(field)\": \"\(text.prefix(40))\" is not a local time like 2027-03-01T00:00 nor a time like 2027-03-01T00:00:00+02:00."
            )
        }
        return instant
    }

    static func seedContext(merchant: Merchant, draw: Int64) -> String { "prize-draw-seed:\(merchant.id):\(draw)" }

    static func drawRow(_ db: Database, merchant: Merchant, code: String) throws -> Row {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM prize_draw WHERE merchant_id = ? AND code = ?", arguments: [merchant.id, code])
        else {
            throw LoyaltyError(.badRequest, "\(merchant.name) has no draw \(code).")
        }
        return row
    }

    static func drawView(_ row: Row, merchant: Merchant) throws -> DrawView {
        let drawn = row["drawn_at"] as String?
        let hash = row["seed_hash"] as String?
        return DrawView(
            draw: row["code"], name: row["name"], from: row["period_from"], until: row["period_until"],
            per: Money(minorUnits: row["per_minor"], currency: merchant.currency).decimalString,
            currency: merchant.currency.code, winners: row["winners"],
            state: drawn != nil ? "drawn" : hash != nil ? "committed" : "defined", seedHash: hash,
            committedAt: row["committed_at"], seed: row["seed"], drawnAt: drawn,
            winningCards: try (row["winning_cards"] as String?).map {
                try JSONDecoder().decode([String].self, from: Data($0.utf8))
            })
    }

    /// The entries of the draw's period: per card (the card that made the sale,
    /// `till_txn.card_number`), what its earns with a sale time in the period spent (every
    /// line), less the lines returned from them so far; one entry per whole `per`. By card, not
    /// by account: the report is one row per card and names its winners by card, so a card
    /// pooled into another account mid-period stays one participant. Sorted by card.
    static func drawEntries(_ db: Database, merchant: Merchant, row: Row) throws -> [DrawReportAnswer.Entry] {
        let per: Int64 = row["per_minor"]
        let from: String = row["from_at"]
        let until: String = row["until_at"]
        let earns = try Row.fetchAll(
            db,
            sql: """
                SELECT card_number, lines FROM till_txn
                WHERE merchant_id = ? AND kind = 'earn' AND at >= ? AND at < ? ORDER BY id
                """, arguments: [merchant.id, from, until]
        ).map { (card: $0["card_number"] as String, lines: $0["lines"] as String?) }
        let returns = try Row.fetchAll(
            db,
            sql: """
                SELECT e.card_number, r.lines FROM till_txn r JOIN till_txn e ON e.id = r.original_txn_id
                WHERE e.merchant_id = ? AND e.kind = 'earn' AND e.at >= ? AND e.at < ? AND r.kind = 'return'
                """, arguments: [merchant.id, from, until]
        ).map { (card: $0["card_number"] as String, lines: $0["lines"] as String?) }
        return try drawEntries(earns: earns, returns: returns, per: per, merchant: merchant)
    }

    /// The entries from the period's earns and the returns of them (each with the card of the
    /// earn), whichever store read them.
    static func drawEntries(
        earns: [(card: String, lines: String?)], returns: [(card: String, lines: String?)], per: Int64,
        merchant: Merchant
    ) throws -> [DrawReportAnswer.Entry] {
        let decoder = JSONDecoder()
        func total(_ linesJSON: String?) throws -> Int64 {
            guard let linesJSON else { return 0 }
            return try decoder.decode([SaleLine].self, from: Data(linesJSON.utf8)).reduce(Int64(0)) {
                try LedgerRules.checkedSum($0, max(0, $1.amount.minorUnits))
            }
        }
        var spent: [String: Int64] = [:]
        for earn in earns {
            spent[earn.card] = try LedgerRules.checkedSum(spent[earn.card, default: 0], try total(earn.lines))
        }
        for returned in returns {
            spent[returned.card] = max(
                0, try LedgerRules.checkedSum(spent[returned.card, default: 0], -(try total(returned.lines))))
        }
        return spent.compactMap { card, minor -> DrawReportAnswer.Entry? in
            guard minor / per > 0 else { return nil }
            return .init(
                card: card, spent: Money(minorUnits: minor, currency: merchant.currency).decimalString,
                entries: minor / per)
        }.sorted { $0.card < $1.card }
    }

    static func reportFile(_ view: DrawView, entries: [DrawReportAnswer.Entry], merchant: Merchant)
        -> DrawReportFile
    {
        var fields: [String: [String]] = [
            "draw": [view.draw], "name": [view.name],
            "period": [view.from, view.until, merchant.timeZone.identifier], "per": [view.per, view.currency],
            "winners": [String(view.winners)],
        ]
        if let hash = view.seedHash { fields["seed-sha256"] = [hash] }
        if let seed = view.seed { fields["seed"] = [seed] }
        let rank = Dictionary(
            (view.winningCards ?? []).enumerated().map { ($1, $0 + 1) }, uniquingKeysWith: { first, _ in first })
        return DrawReportFile(
            fields: fields, rows: entries.map { ($0.card, $0.spent, $0.entries, rank[$0.card]) })
    }
}
