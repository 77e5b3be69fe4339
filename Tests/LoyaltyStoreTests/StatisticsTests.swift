import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Statistics and segments on both stores (a real SQLite ledger, a real PostgreSQL database)
/// with a small realistic shop: 60 customers, anonymous cards, three shops, four brands,
/// medicine, returns, three months of sales. Every figure is checked against sums worked out
/// here from the merchant's exported CSV files (`loyalgate export`, or `export.page` on
/// PostgreSQL), not from the rollups.
@Suite struct StatisticsTests {
    static let zone = TimeZone(identifier: "Europe/Amsterdam")!

    /// A pharmacy that marks medicine as health data (`marketing.pharmacy`).
    static func ledger(_ kind: StoreKind, medicineInMarketing: Bool? = nil) async throws -> StoreLedger {
        let ledger = try await StoreLedger.open(kind)
        var file = try TestLedger.program("dutch-pharmacy")
        file.program.marketing = MarketingRule(pharmacy: true, medicineInMarketing: medicineInMarketing)
        _ = try await ledger.importProgram(file)
        return ledger
    }

    /// The merchant's exported files (`customers.csv`, `cards.csv`, `ledger.csv`): written by
    /// `loyalgate export` on SQLite, and from the `export.page` pages on PostgreSQL.
    static func export(_ ledger: StoreLedger) async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loyalgate-export-\(UUID().uuidString)")
        if let sqlite = ledger.sqlite {
            _ = try sqlite.database.exportMerchant(nil, to: folder)
            return folder
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for kind in ExportKind.allCases {
            var text = ""
            var after: Int64 = 0
            while true {
                let page = try await ledger.store.exportPage(merchant: nil, kind: kind, after: after, limit: 500)
                text += page.csv
                guard let next = page.next else { break }
                after = next
            }
            try Data(text.utf8).write(to: folder.appendingPathComponent(kind.rawValue + ".csv"))
        }
        return folder
    }

    /// Deterministic "random" numbers, so a failure can be replayed.
    struct Dice {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        mutating func roll(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// The shop: returns the cards of the registered customers, in order.
    static func fill(_ ledger: StoreLedger) async throws -> [String] {
        var dice = Dice()
        var cards: [String] = []
        let genders = ["female", "female", "male", "x", ""]
        let postcodes = ["1012 AB", "1013 CD", "2511 EF", "3011 GH", "9711 JK"]
        for index in 1...60 {
            let card = ledger.card("2990001", Int64(index))
            try await ledger.addCard(card, member: index % 7 == 0)
            _ = try await ledger.store.register(
                merchant: nil,
                details: CustomerDetails(
                    name: "Customer \(index)", postcode: index == 60 ? "8000" : postcodes[dice.roll(5)],
                    email: "c\(index)@example.nl",
                    birthDate: index % 11 == 0 ? nil : "\(1950 + dice.roll(55))-0\(1 + dice.roll(9))-1\(dice.roll(9))",
                    gender: genders[dice.roll(5)]),
                consents: Consents(mail: index % 3 != 0, profiling: false), card: card)
            cards.append(card)
        }
        let anonymous = (61...64).map { ledger.card("2990001", Int64($0)) }
        for card in anonymous { try await ledger.addCard(card) }
        let brands = ["Vichy", "Avene", "La Roche-Posay", "Dafalgan"]
        var receipt = 0
        for month in 1...3 {
            for _ in 0..<140 {
                receipt += 1
                let pick = dice.roll(100)
                let card = pick < 5 ? anonymous[dice.roll(4)] : cards[dice.roll(60)]
                // The third shop is small: two customers only.
                let till =
                    card == cards[0] || card == cards[1]
                    ? "shop-3/till-1" : (pick % 2 == 0 ? "shop-1/till-1" : "shop-2/till-2")
                var lines: [SaleLineInput] = []
                for line in 0..<(1 + dice.roll(3)) {
                    let brand = brands[dice.roll(4)]
                    lines.append(
                        SaleLineInput(
                            sku: "sku-\(line)", amount: "\(1 + dice.roll(40)).\(10 + dice.roll(90))",
                            brand: brand, category: brand == "Dafalgan" ? "otc-medicine" : "cosmetics"))
                }
                if till == "shop-3/till-1" && receipt % 3 == 0 {
                    lines.append(SaleLineInput(sku: "rare", amount: "3.00", brand: "Rare", category: "cosmetics"))
                }
                // Late evening in UTC is the next day in Amsterdam at the month's end.
                let day = 1 + dice.roll(28)
                let hour = day == 28 ? 23 : 8 + dice.roll(10)
                let at = String(format: "2026-%02d-%02dT%02d:%02d:00Z", month, day, hour, dice.roll(60))
                _ = try await ledger.earn(card, receipt: "R\(receipt)", till: till, at: at, lines)
                if receipt % 9 == 0 {
                    _ = try await ledger.giveBack(
                        receipt: "X\(receipt)", original: "R\(receipt)", till: till, [lines[0]])
                }
            }
        }
        return cards
    }

    /// RFC 4180 as `SpreadsheetCSV` writes it, into rows of named cells.
    static func readCSV(_ url: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        cell.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(cell)
                cell = ""
            } else if character == "\n" {
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            } else {
                cell.append(character)
            }
        }
        let header = rows.removeFirst()
        return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// The figures of one dimension and period, worked out from the exported files.
    struct Expected {
        var customers: [String: Int] = [:]
        var buyers: [String: Set<String>] = [:]
        var receipts: [String: Int64] = [:]
        var returns: [String: Int64] = [:]
        var amount: [String: Int64] = [:]
        var points: [String: Int64] = [:]
    }

    static func expected(from folder: URL, dimension: String, period: String) throws -> Expected {
        let customers = try readCSV(folder.appendingPathComponent("customers.csv"))
        let cards = try readCSV(folder.appendingPathComponent("cards.csv"))
        let ledger = try readCSV(folder.appendingPathComponent("ledger.csv"))
        func gender(_ text: String) -> String {
            ["female": "female", "male": "male", "": "unknown"][text] ?? "other"
        }
        var profile: [String: (gender: String, age: String, area: String)] = [:]
        var result = Expected()
        for customer in customers where customer["erased_at"] == "" {
            let birth = customer["birth_date"] ?? ""
            let postcode = (customer["postcode"] ?? "").replacingOccurrences(of: " ", with: "")
            let facts = (
                gender(customer["gender"] ?? ""),
                birth.isEmpty ? "unknown" : String(Int(birth.prefix(4))! / 10 * 10),
                postcode.count >= 2 ? String(postcode.prefix(2)) : "unknown"
            )
            profile[customer["id"]!] = facts
            let value = ["gender": facts.0, "age": facts.1, "area": facts.2][dimension]
            if let value { result.customers[value, default: 0] += 1 }
        }
        var customerOfAccount: [String: String] = [:]
        for card in cards { customerOfAccount[card["account"]!] = card["customer"] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parse = ISO8601DateFormatter()
        for entry in ledger where entry["kind"] == "earn" || entry["kind"] == "return" {
            let date = parse.date(from: entry["at"]!)!
            let parts = calendar.dateComponents([.year, .month], from: date)
            let local = String(format: "%04d-%02d", parts.year!, parts.month!)
            guard local.hasPrefix(period) else { continue }
            let lines =
                try JSONSerialization.jsonObject(with: Data(entry["sale_lines"]!.utf8)) as! [[String: Any]]
            let sign: Int64 = entry["kind"] == "earn" ? 1 : -1
            let facts = customerOfAccount[entry["account"]!].flatMap { $0.isEmpty ? nil : profile[$0] }
            var amounts: [String: Int64] = [:]
            for line in lines {
                let minor = ((line["amount"] as! [String: Any])["minorUnits"] as! NSNumber).int64Value
                switch dimension {
                case "brand": amounts[line["brand"] as? String ?? "(none)", default: 0] += minor
                case "category": amounts[line["category"] as? String ?? "(none)", default: 0] += minor
                case "shop": amounts[String(entry["till"]!.split(separator: "/")[0]), default: 0] += minor
                case "gender": amounts[facts?.gender ?? "unknown", default: 0] += minor
                case "age": amounts[facts?.age ?? "unknown", default: 0] += minor
                default: amounts[facts?.area ?? "unknown", default: 0] += minor
                }
            }
            let whole = !["brand", "category"].contains(dimension)
            for (value, minor) in amounts {
                result.amount[value, default: 0] += sign * minor
                if whole { result.points[value, default: 0] += Int64(entry["points"]!)! }
                if sign > 0 {
                    result.receipts[value, default: 0] += 1
                    result.buyers[value, default: []].insert(entry["account"]!)
                } else {
                    result.returns[value, default: 0] += 1
                }
            }
        }
        return result
    }

    @Test(arguments: StoreKind.available)
    func everyFigureMatchesTheExportedLedgerAndSmallGroupsAreHidden(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        _ = try await Self.fill(ledger)
        let folder = try await Self.export(ledger)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        var hiddenSomewhere = 0
        for dimension in ["gender", "age", "area", "brand", "category", "shop"] {
            for period in ["2026", "2026-02", "2026-03"] {
                let answer = try await ledger.store.statistics(
                    merchant: nil, dimension: dimension, period: period, at: now)
                let expected = try Self.expected(from: folder, dimension: dimension, period: period)
                let values = Set(expected.buyers.keys).union(expected.customers.keys)
                var hidden = 0
                for value in values {
                    let group = answer.groups.first { $0.value == value }
                    let buyers = expected.buyers[value]?.count ?? 0
                    if let customers = group?.customers {
                        #expect(customers == expected.customers[value], "\(dimension) \(period) \(value)")
                    } else if expected.customers[value] != nil {
                        hidden += 1
                    }
                    // A group of fewer than five customers never shows its sales.
                    if buyers < 5 { #expect(group?.sales == nil, "\(dimension) \(period) \(value)") }
                    guard let sales = group?.sales else {
                        if buyers > 0 { hidden += 1 }
                        continue
                    }
                    #expect(group?.buyers == buyers, "\(dimension) \(period) \(value)")
                    #expect(sales.receipts == expected.receipts[value] ?? 0, "\(dimension) \(period) \(value)")
                    #expect(sales.returns == expected.returns[value] ?? 0, "\(dimension) \(period) \(value)")
                    #expect(
                        sales.amount
                            == Money(minorUnits: expected.amount[value] ?? 0, currency: Currency(code: "EUR")!)
                            .decimalString, "\(dimension) \(period) \(value)")
                    if !["brand", "category"].contains(dimension) {
                        #expect(sales.points == expected.points[value] ?? 0, "\(dimension) \(period) \(value)")
                    }
                }
                #expect(answer.suppressed == hidden, "\(dimension) \(period)")
                hiddenSomewhere += hidden
            }
        }
        #expect(hiddenSomewhere > 0)
        // The small third shop and the rare brand are among the hidden.
        let shops = try await ledger.store.statistics(merchant: nil, dimension: "shop", period: "2026", at: now)
        #expect(!shops.groups.contains { $0.value == "shop-3" && $0.sales != nil })
        #expect(shops.note.contains("fewer than 5"))
        let brands = try await ledger.store.statistics(merchant: nil, dimension: "brand", period: "2026", at: now)
        #expect(!brands.groups.contains { $0.value == "Rare" && $0.sales != nil })
        // Rare alone hidden would be the year's total minus the others: the smallest of the four
        // big brands goes with it.
        #expect(brands.groups.filter { $0.sales != nil }.count == 3)
        #expect(brands.suppressed == 2)

        // The month trend adds up to the year.
        let trend = try await ledger.store.trend(merchant: nil, unit: "month", count: 4, at: now)
        #expect(trend.points.map(\.period) == ["2026-01", "2026-02", "2026-03", "2026-04"])
        let year = try Self.expected(from: folder, dimension: "shop", period: "2026")
        let receipts = trend.points.compactMap(\.sales?.receipts).reduce(0, +)
        #expect(receipts == year.receipts.values.reduce(0, +))
        let weeks = try await ledger.store.trend(merchant: nil, unit: "week", count: 20, at: now)
        #expect(weeks.points.last?.period == "2026-W14")
        #expect(weeks.points.compactMap(\.sales?.receipts).reduce(0, +) <= receipts)

        // Customers by points: every account holder counted once.
        let points = try await ledger.store.statistics(merchant: nil, dimension: "points", period: nil, at: now)
        #expect(points.groups.allSatisfy { ($0.customers ?? 5) >= 5 })
        #expect(points.groups.compactMap(\.customers).reduce(0, +) <= 60)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available)
    func aRepeatedReceiptOrARefusedSaleCountsNothing(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        let cards = (1...5).map { ledger.card("2990001", Int64($0)) }
        for card in cards { try await ledger.addCard(card) }
        let line = SaleLineInput(sku: "v", amount: "10.00", brand: "Vichy", category: "cosmetics")
        for (index, card) in cards.enumerated() {
            _ = try await ledger.earn(card, receipt: "R\(index)", at: "2026-03-02T10:00:00Z", [line])
        }
        // The till sends the first receipt again (a retry): answered from the first, not counted.
        let replayed = try await ledger.earn(cards[0], receipt: "R0", at: "2026-03-02T10:00:00Z", [line])
        #expect(replayed.replayed)
        // A blocked card's sale is refused, and its rollups roll back with it.
        try await ledger.addCard(ledger.card("2990001", 9), status: .blocked)
        #expect(
            await errorCode {
                try await ledger.earn(ledger.card("2990001", 9), receipt: "B", at: "2026-03-02T10:00:00Z", [line])
            } != nil)
        let answer = try await ledger.store.statistics(
            merchant: nil, dimension: "brand", period: "2026-03", at: now)
        let vichy = try #require(answer.groups.first { $0.value == "Vichy" })
        #expect(vichy.buyers == 5 && vichy.sales?.receipts == 5 && vichy.sales?.amount == "50.00")
        await ledger.close()
    }

    /// The rollups are written after the earn's commit, off the till's path; a report asked
    /// for the moment an earn is answered still counts it (the report rolls up first).
    @Test(arguments: StoreKind.available)
    func aReportRightAfterAnEarnIncludesIt(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        let cards = (1...5).map { ledger.card("2990001", Int64($0)) }
        for card in cards { try await ledger.addCard(card) }
        let line = SaleLineInput(sku: "v", amount: "10.00", brand: "Vichy", category: "cosmetics")
        for round in 1...3 {
            for (index, card) in cards.enumerated() {
                _ = try await ledger.earn(card, receipt: "R\(round)-\(index)", at: "2026-03-02T10:00:00Z", [line])
                let answer = try await ledger.store.statistics(
                    merchant: nil, dimension: "brand", period: "2026-03", at: now)
                let vichy = answer.groups.first { $0.value == "Vichy" }
                let receipts = (round - 1) * 5 + index + 1
                // Fewer than five buyers are never shown; from the fifth on, every receipt counts.
                if round > 1 || index == 4 {
                    #expect(vichy?.sales?.receipts == Int64(receipts), "receipt \(receipts) missing from the report")
                    #expect(vichy?.sales?.amount == "\(receipts * 10).00")
                }
            }
            let best = try await ledger.store.bestCustomers(merchant: nil, limit: 5)
            #expect(best.customers.isEmpty)  // anonymous cards: no customer to list
        }
        await ledger.close()
    }

    /// A rollup that would pass what a 64-bit sum holds is refused with a clear error; SQLite
    /// would otherwise turn the sum into a floating-point number that no report can read.
    @Test(arguments: StoreKind.available)
    func aRollupPastWhatCanBeCountedIsRefusedNotWrapped(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        let cards = (1...5).map { ledger.card("2990001", Int64($0)) }
        for card in cards { try await ledger.addCard(card) }
        let line = SaleLineInput(sku: "v", amount: "10.00", brand: "Vichy", category: "cosmetics")
        for (index, card) in cards.enumerated() {
            _ = try await ledger.earn(card, receipt: "R\(index)", at: "2026-03-02T10:00:00Z", [line])
        }
        _ = try await ledger.store.statistics(merchant: nil, dimension: "brand", period: "2026-03", at: now)
        try ledger.tamper("UPDATE stat_sales SET amount_minor = 9223372036854775000 WHERE dim = 'all'")
        _ = try await ledger.earn(cards[0], receipt: "R9", at: "2026-03-02T10:00:00Z", [line])
        #expect(
            await errorCode {
                try await ledger.store.statistics(merchant: nil, dimension: "brand", period: "2026-03", at: now)
            } == .internalError)
        await ledger.close()
    }

    @Test func statisticsOfALedgerFromBeforeTheRollupsAreFilledInOnOpening() async throws {
        let ledger = try await Self.ledger(.sqlite)
        let database = try #require(ledger.sqlite).database
        _ = try await Self.fill(ledger)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        let before = try await database.statistics(merchant: nil, dimension: "gender", period: "2026", at: now)
        try database.unsafeExecute(
            """
            DELETE FROM stat_sales; DELETE FROM stat_buyer; DELETE FROM stat_period; DELETE FROM account_stats;
            DELETE FROM segment_brand; DELETE FROM customer_profile; DELETE FROM meta WHERE key = 'statistics-backfill';
            """)
        try database.close()
        let reopened = try LedgerDatabase(directory: try #require(ledger.sqlite).directory)
        let after = try await reopened.statistics(merchant: nil, dimension: "gender", period: "2026", at: now)
        #expect(after == before)
        try reopened.close()
    }

    @Test(arguments: StoreKind.available)
    func segmentsHoldOnlyConsentingCustomersAndNoMedicineAtAPharmacy(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        func customer(_ index: Int64, consent: Bool, gender: String, profiling: Bool = true) async throws -> (
            String, Int64
        ) {
            let card = ledger.card("2990001", index)
            try await ledger.addCard(card)
            let id = try await ledger.store.register(
                merchant: nil, details: CustomerDetails(name: "C\(index)", email: "c\(index)@x.nl", gender: gender),
                consents: Consents(mail: consent, profiling: profiling), card: card
            ).id
            return (card, id)
        }
        let (anna, annaID) = try await customer(1, consent: true, gender: "f")
        let (bert, _) = try await customer(2, consent: false, gender: "m")
        let (cora, coraID) = try await customer(3, consent: true, gender: "vrouw")
        let (dirk, dirkID) = try await customer(4, consent: true, gender: "m")
        // Eve takes mail but did not agree to profiling: in no segment that picks by person or purchase.
        let (eve, eveID) = try await customer(5, consent: true, gender: "f", profiling: false)
        let vichy = SaleLineInput(sku: "v", amount: "20.00", brand: "Vichy", category: "cosmetics")
        let pills = SaleLineInput(sku: "p", amount: "80.00", brand: "Dafalgan", category: "otc-medicine")
        _ = try await ledger.earn(anna, receipt: "1", at: "2026-03-01T10:00:00Z", [vichy])
        _ = try await ledger.earn(bert, receipt: "2", at: "2026-03-01T10:00:00Z", [vichy])
        _ = try await ledger.earn(cora, receipt: "3", at: "2026-03-01T10:00:00Z", [pills])
        _ = try await ledger.earn(dirk, receipt: "4", at: "2025-01-01T10:00:00Z", [vichy, pills])
        _ = try await ledger.earn(eve, receipt: "5", at: "2026-03-01T10:00:00Z", [vichy])

        func members(_ filter: SegmentFilter) async throws -> [Int64] {
            try await ledger.store.segmentMembers(
                merchant: nil, segment: nil, filter: filter, after: 0, limit: 100, at: now
            ).members.map(\.customer)
        }
        // Bert bought Vichy but does not consent to mail: never in a segment.
        #expect(try await members(SegmentFilter(brand: "Vichy")) == [annaID])
        #expect(try await members(SegmentFilter()) == [annaID, coraID, dirkID, eveID])
        #expect(try await members(SegmentFilter(brand: "Vichy", brandMonths: 24)) == [annaID, dirkID])
        // Medicine is health data at a pharmacy: nobody is found by it.
        #expect(try await members(SegmentFilter(brand: "Dafalgan", brandMonths: 24)).isEmpty)
        #expect(try await members(SegmentFilter(gender: "female")) == [annaID, coraID])
        // An erased customer leaves every segment and every count (the profile goes with the record).
        try await ledger.store.erase(merchant: nil, id: coraID)
        #expect(try await members(SegmentFilter(gender: "female")) == [annaID])
        #expect(try await members(SegmentFilter(pointsAtLeast: 50)) == [dirkID])
        // Cora bought only medicine: she is not among the best customers, and not "lapsed"
        // either (her visit for medicine is not marketing's to see).
        #expect(try await members(SegmentFilter(best: 10)) == [annaID, dirkID])
        #expect(try await members(SegmentFilter(lapsedMonths: 6)) == [dirkID])
        // The best customers (for staff, not a mailing list) leave medicine out too, and Eve,
        // who did not consent to profiling.
        let best = try await ledger.store.bestCustomers(merchant: nil, limit: 10)
        #expect(best.customers.map(\.amount) == ["20.00", "20.00", "20.00"])
        #expect(!best.customers.contains { $0.customer == coraID || $0.customer == eveID })

        let saved = try await ledger.store.saveSegment(
            merchant: nil, name: "Vichy buyers", filter: SegmentFilter(brand: "Vichy"), user: "owner", at: now)
        #expect(saved.count == 1)
        #expect(try await ledger.store.segments(merchant: nil, at: now).segments.map(\.name) == ["Vichy buyers"])
        _ = try await ledger.store.updateCustomer(
            merchant: nil, id: annaID, patch: CustomerPatch(), consents: Consents(mail: false, profiling: false))
        #expect(try await ledger.store.segments(merchant: nil, at: now).segments.first?.count == 0)
        #expect(
            await errorCode {
                try await ledger.store.saveSegment(
                    merchant: nil, name: "x", filter: SegmentFilter(gender: "woman"), user: "owner", at: now)
            } == .badRequest)

        // A pharmacy that says medicine may be used for marketing finds Cora by it.
        let allowed = try await Self.ledger(kind, medicineInMarketing: true)
        let card = allowed.card("2990001", 1)
        try await allowed.addCard(card)
        let id = try await allowed.store.register(
            merchant: nil, details: CustomerDetails(name: "C", email: "c@x.nl"),
            consents: Consents(mail: true, profiling: true), card: card
        ).id
        _ = try await allowed.earn(card, receipt: "1", at: "2026-03-01T10:00:00Z", [pills])
        let found = try await allowed.store.segmentMembers(
            merchant: nil, segment: nil, filter: SegmentFilter(brand: "Dafalgan"), after: 0, limit: 10, at: now)
        #expect(found.members.map(\.customer) == [id])
        await ledger.close()
        await allowed.close()
    }

    /// A mailing to a segment records one mail per customer of the segment who consents to
    /// mail and has an address (nobody erased, nobody without consent), keyed so a mail run
    /// sends each once; asked again with its key it is the same mailing, not a second one.
    @Test(arguments: StoreKind.available)
    func aMailingToASegmentRecordsOneMailPerConsentingCustomerOnce(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        var ids: [Int64] = []
        for (index, consent, email) in [(1, true, true), (2, false, true), (3, true, false), (4, true, true)] {
            let card = ledger.card("2990001", Int64(index))
            try await ledger.addCard(card)
            ids.append(
                try await ledger.store.register(
                    merchant: nil,
                    details: CustomerDetails(
                        name: "C\(index)", email: email ? "c\(index)@x.nl" : nil, phone: "+3161234567\(index)"),
                    consents: Consents(mail: consent, profiling: false), card: card
                ).id)
        }
        try await ledger.store.erase(merchant: nil, id: ids[3])
        let segment = try await ledger.store.saveSegment(
            merchant: nil, name: "Everyone", filter: SegmentFilter(), user: "owner", at: now)
        #expect(segment.count == 2)  // the third consents but has no address: counted, not mailed
        let first = try await ledger.store.mailSegment(
            merchant: nil, segment: segment.id, subject: "Spring", text: "Hello", user: "owner", key: "spring-1",
            at: now)
        #expect(first.recipients == 1)
        let again = try await ledger.store.mailSegment(
            merchant: nil, segment: segment.id, subject: "Spring", text: "Hello", user: "owner", key: "spring-1",
            at: now)
        #expect(again == first)
        let outbox =
            "SELECT customer_id || ':' || idempotency_key FROM mail_outbox WHERE mailing_id = \(first.mailing)"
        let rows: [String]
        if let sqlite = ledger.sqlite {
            rows = try await DatabaseQueue(path: sqlite.directory.appendingPathComponent(LedgerFiles.databaseName).path)
                .read { try String.fetchAll($0, sql: outbox) }
        } else {
            rows = try ledger.server!.sql(outbox, database: ledger.databaseName!).split(separator: "\n").map(
                String.init)
        }
        #expect(rows == ["\(ids[0]):mailing:\(first.mailing):\(ids[0])"])
        #expect(
            await errorCode {
                try await ledger.store.mailSegment(
                    merchant: nil, segment: segment.id, subject: "Two\nlines", text: "Hello", user: "owner",
                    key: nil, at: now)
            } == .badRequest)
        await ledger.close()
    }

    /// The pharmacy examples as shipped say nothing about marketing: medicine stays out of it
    /// all the same, so a segment "bought Dafalgan" finds nobody and the best customers'
    /// amounts leave the medicine out.
    @Test(arguments: StoreKind.available)
    func medicineStaysOutOfMarketingWhenTheProgramSaysNothing(kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        let id = try await ledger.store.register(
            merchant: nil, details: CustomerDetails(name: "C", email: "c@x.nl"),
            consents: Consents(mail: true, profiling: true), card: card
        ).id
        let vichy = SaleLineInput(sku: "v", amount: "20.00", brand: "Vichy", category: "cosmetics")
        let pills = SaleLineInput(sku: "p", amount: "80.00", brand: "Dafalgan", category: "otc-medicine")
        let reimbursed = SaleLineInput(sku: "r", amount: "9.00", brand: "Ibuprofen", category: "reimbursed-medicine")
        _ = try await ledger.earn(card, receipt: "1", at: "2026-03-01T10:00:00Z", [vichy, pills, reimbursed])
        func members(_ filter: SegmentFilter) async throws -> [Int64] {
            try await ledger.store.segmentMembers(
                merchant: nil, segment: nil, filter: filter, after: 0, limit: 10, at: now
            ).members.map(\.customer)
        }
        #expect(try await members(SegmentFilter(brand: "Dafalgan")).isEmpty)
        #expect(try await members(SegmentFilter(brand: "Ibuprofen")).isEmpty)
        #expect(try await members(SegmentFilter(brand: "Vichy")) == [id])
        let best = try await ledger.store.bestCustomers(merchant: nil, limit: 10)
        #expect(best.customers.map(\.amount) == ["20.00"])
        await ledger.close()
    }

    /// Area 10 has five buyers in March (shown) and one in April (hidden): were the year shown
    /// with six, the year's amount minus March's would be that one customer's April spending.
    @Test(arguments: StoreKind.available)
    func aYearHidesAGroupWhoseMonthIsHiddenSoNoMonthIsWorkedOutByDifference(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        let now = try #require(Timestamp.parse("2026-12-02T10:00:00Z"))
        var cards: [String] = []
        for index in 1...6 {
            let card = ledger.card("2990001", Int64(index))
            try await ledger.addCard(card)
            _ = try await ledger.store.register(
                merchant: nil,
                details: CustomerDetails(name: "C\(index)", postcode: "1012 AB", email: "c\(index)@x.nl"),
                consents: Consents(mail: true, profiling: true), card: card)
            cards.append(card)
        }
        let line = SaleLineInput(sku: "v", amount: "10.00", brand: "Vichy", category: "cosmetics")
        for (index, card) in cards.prefix(5).enumerated() {
            _ = try await ledger.earn(card, receipt: "M\(index)", at: "2026-03-02T10:00:00Z", [line])
        }
        let april = SaleLineInput(sku: "v", amount: "37.50", brand: "Vichy", category: "cosmetics")
        _ = try await ledger.earn(cards[5], receipt: "A", at: "2026-04-02T10:00:00Z", [april])
        let march = try await ledger.store.statistics(merchant: nil, dimension: "area", period: "2026-03", at: now)
        #expect(march.groups.first { $0.value == "10" }?.sales?.amount == "50.00")
        let aprilReport = try await ledger.store.statistics(
            merchant: nil, dimension: "area", period: "2026-04", at: now)
        #expect(aprilReport.groups.first { $0.value == "10" }?.sales == nil)
        let year = try await ledger.store.statistics(merchant: nil, dimension: "area", period: "2026", at: now)
        let area = year.groups.first { $0.value == "10" }
        #expect(area?.sales == nil && area?.buyers == nil)
        #expect(area?.customers == 6)  // the registered customers are no purchase figure
        #expect(year.note.contains("one of its months"))
        // The same for a brand: Vichy's year is not March plus one person.
        let brands = try await ledger.store.statistics(merchant: nil, dimension: "brand", period: "2026", at: now)
        #expect(brands.groups.first { $0.value == "Vichy" }?.sales == nil)
        await ledger.close()
    }

    /// The best customers are a profile of named people: like a segment that picks by purchase,
    /// they list only customers who consented to profiling.
    @Test(arguments: StoreKind.available)
    func theBestCustomersListOnlyCustomersWhoConsentedToProfiling(kind: StoreKind) async throws {
        let ledger = try await Self.ledger(kind)
        var ids: [Int64] = []
        for index in 1...3 {
            let card = ledger.card("2990001", Int64(index))
            try await ledger.addCard(card)
            ids.append(
                try await ledger.store.register(
                    merchant: nil, details: CustomerDetails(name: "C\(index)", email: "c\(index)@x.nl"),
                    consents: Consents(mail: true, profiling: index != 2), card: card
                ).id)
            let line = SaleLineInput(sku: "v", amount: "\(index * 10).00", brand: "Vichy", category: "cosmetics")
            _ = try await ledger.earn(card, receipt: "R\(index)", at: "2026-03-02T10:00:00Z", [line])
        }
        let best = try await ledger.store.bestCustomers(merchant: nil, limit: 10)
        #expect(best.customers.map(\.customer) == [ids[2], ids[0]])
        // Withdrawing the consent takes a customer off the list at once.
        _ = try await ledger.store.updateCustomer(
            merchant: nil, id: ids[2], patch: CustomerPatch(), consents: Consents(mail: true, profiling: false))
        #expect(try await ledger.store.bestCustomers(merchant: nil, limit: 10).customers.map(\.customer) == [ids[0]])
        await ledger.close()
    }
}

/// The rule that hides small groups, on its own.
@Suite struct SuppressionTests {
    @Test func aSingleHiddenGroupTakesTheNextSmallestWithIt() {
        func group(_ value: String, _ customers: Int) -> StatisticsAnswer.Group {
            StatisticsAnswer.Group(value: value, label: value, customers: customers, buyers: nil, sales: nil)
        }
        var groups = [group("female", 40), group("male", 12), group("other", 3)]
        let hidden = LedgerDatabase.suppress(&groups)
        // "other" alone hidden would be the total (from another report) minus 52.
        #expect(hidden == 2)
        #expect(groups.map(\.value) == ["female"])
        var two = [group("female", 40), group("male", 12), group("other", 3), group("unknown", 2)]
        #expect(LedgerDatabase.suppress(&two) == 2)
        #expect(two.map(\.value) == ["female", "male"])
    }

    /// Of groups of the same size, the first by value goes with a hidden one, in whatever
    /// order a store read them: both stores hide the same figures.
    @Test func aTieForTheNextSmallestIsBrokenByValueInWhateverOrder() {
        func group(_ value: String, _ buyers: Int) -> StatisticsAnswer.Group {
            StatisticsAnswer.Group(value: value, label: value, customers: nil, buyers: buyers, sales: nil)
        }
        let groups = [group("Avene", 60), group("Vichy", 60), group("Dafalgan", 60), group("Rare", 2)]
        for order in [groups, groups.reversed(), [groups[2], groups[3], groups[1], groups[0]]] {
            var shown = Array(order)
            #expect(LedgerDatabase.suppress(&shown) == 2)
            #expect(Set(shown.map(\.value)) == ["Dafalgan", "Vichy"])
        }
    }
}
