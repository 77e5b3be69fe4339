import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PropertyBased
import Testbed
import Testing

/// Random sequences of earns, redeems, returns and retries against a real database: the
/// balance is always the sum of the entries, never below zero, and a retry changes nothing.
@Suite struct LedgerPropertyTests {
    static let program = ProgramFile(
        merchant: .init(
            code: "prop", name: "Property shop", currency: "EUR", timeZone: "Europe/Amsterdam", cardPrefix: "2800"),
        program: Program(
            points: .init(per: "1.00"),
            discount: .init(
                rates: ["food": Ratio("0.01")!], defaultRate: Ratio("0.03")!, redeemFrom: "1.00", cashOut: false)))

    enum Step: CustomStringConvertible {
        case earn(card: Int, amounts: [Int64])
        case redeemPoints(card: Int, points: Int64)
        case redeemAmount(card: Int, cents: Int64)
        case giveBack(earn: Int, lineCount: Int, fractionPercent: Int64)
        case retry(step: Int)

        /// Each random number becomes one step, so shrinking the numbers shrinks the scenario.
        init(_ seed: Int) {
            let card = (seed >> 4) % 3
            switch seed % 5 {
            case 0, 1:
                let lineCount = 1 + (seed >> 6) % 3
                var amounts: [Int64] = []
                for line in 0..<lineCount {
                    let shifted: Int = seed >> (8 + line * 5)
                    amounts.append(Int64(1 + shifted % 9_000))
                }
                self = .earn(card: card, amounts: amounts)
            case 2:
                self =
                    (seed >> 6) % 2 == 0
                    ? .redeemPoints(card: card, points: Int64(1 + (seed >> 7) % 150))
                    : .redeemAmount(card: card, cents: Int64(1 + (seed >> 7) % 500))
            case 3:
                self = .giveBack(
                    earn: (seed >> 4) % 8, lineCount: 1 + (seed >> 7) % 3, fractionPercent: Int64(1 + (seed >> 9) % 100)
                )
            default: self = .retry(step: (seed >> 4) % 16)
            }
        }

        var description: String {
            switch self {
            case .earn(let card, let amounts): return "earn card \(card) \(amounts)"
            case .redeemPoints(let card, let points): return "redeem \(points) points card \(card)"
            case .redeemAmount(let card, let cents): return "redeem \(cents) cents card \(card)"
            case .giveBack(let earn, let lines, let percent):
                return "return \(percent)% of \(lines) lines of earn #\(earn)"
            case .retry(let step): return "retry step \(step)"
            }
        }
    }

    @Test(arguments: StoreKind.available) func balancesStayTheSumOfEntriesAndRetriesChangeNothing(_ kind: StoreKind)
        async
    {
        await propertyCheck(count: 40, input: Gen.int(in: 0...(1 << 40)).array(of: 1...30)) { seeds in
            do {
                try await Self.run(seeds.map(Step.init), on: kind)
            } catch {
                Issue.record("unexpected failure: \(error)")
            }
        }
    }

    static func run(_ steps: [Step], on kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind)
        defer { Task { await ledger.discard() } }
        _ = try await ledger.importProgram(program)
        let cards = (0..<3).map { ledger.card("2800", Int64($0)) }
        for card in cards { try await ledger.addCard(card) }
        var sent: [(request: () async throws -> TxnAnswer, answer: TxnAnswer)] = []
        var earns: [(receipt: String, lines: [SaleLineInput])] = []

        for (index, step) in steps.enumerated() {
            let receipt = "R\(index)"
            var request: (() async throws -> TxnAnswer)?
            switch step {
            case .earn(let card, let amounts):
                let lines = amounts.enumerated().map {
                    SaleLineInput(
                        sku: "sku\($0.offset)",
                        amount: Money(minorUnits: $0.element, currency: Currency(code: "EUR")!).decimalString,
                        category: $0.offset == 1 ? "food" : nil)
                }
                earns.append((receipt, lines))
                request = { try await ledger.earn(cards[card], receipt: receipt, lines) }
            case .redeemPoints(let card, let points):
                request = { try await ledger.redeem(cards[card], receipt: receipt, points: points) }
            case .redeemAmount(let card, let cents):
                let amount = Money(minorUnits: cents, currency: Currency(code: "EUR")!).decimalString
                request = {
                    try await ledger.redeem(cards[card], receipt: receipt, amount: amount, purchaseTotal: "100.00")
                }
            case .giveBack(let earn, let lineCount, let percent):
                guard !earns.isEmpty else { continue }
                let original = earns[earn % earns.count]
                let lines = original.lines.prefix(lineCount).map { line in
                    let minor = try! Money(parsing: line.amount, currency: Currency(code: "EUR")!).minorUnits
                    return SaleLineInput(
                        sku: line.sku,
                        amount: Money(minorUnits: minor * percent / 100, currency: Currency(code: "EUR")!).decimalString
                    )
                }
                request = { try await ledger.giveBack(receipt: receipt, original: original.receipt, lines) }
            case .retry(let target):
                guard !sent.isEmpty else { continue }
                let first = sent[target % sent.count]
                let before = try await balances(ledger, cards)
                let again = try await first.request()
                #expect(again.replayed)
                var expected = first.answer
                expected.replayed = true
                #expect(again == expected)
                #expect(try await balances(ledger, cards) == before)
            }
            if let request {
                do {
                    sent.append((request, try await request()))
                } catch let violation as RuleViolation {
                    // Refusals are part of the game (insufficient balance, a return beyond the sale...).
                    #expect(
                        [.insufficientBalance, .belowThreshold, .returnExceedsOriginal].contains(violation.rule),
                        "\(step): \(violation)")
                }
            }
            for (points, balance) in try await balances(ledger, cards) {
                #expect(points >= 0 && !balance.hasPrefix("-"))
            }
        }
        let report = try await ledger.verify()
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    static func balances(_ ledger: StoreLedger, _ cards: [String]) async throws -> [(Int64, String)] {
        var result: [(Int64, String)] = []
        for card in cards {
            let account = try await ledger.store.lookup(merchant: nil, card: card).account
            result.append((account.points, account.balance))
        }
        return result
    }
}

private func == (lhs: [(Int64, String)], rhs: [(Int64, String)]) -> Bool {
    lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
}
