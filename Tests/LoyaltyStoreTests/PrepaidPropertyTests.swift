import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PropertyBased
import Testbed
import Testing

/// Random sequences of prepaid loads, payments, reversals and retries against a real database:
/// each prepaid balance stays the sum of its entries, never below zero nor above the maximum,
/// loyalty points are never touched, and a retry changes nothing.
@Suite struct PrepaidPropertyTests {
    static let program = ProgramFile(
        merchant: .init(
            code: "prepaid", name: "Prepaid shop", currency: "EUR", timeZone: "Europe/Berlin", cardPrefix: "2800"),
        program: Program(points: .init(per: "1.00"), prepaid: .init(maximumBalance: "100.00")))

    enum Step: CustomStringConvertible {
        case load(card: Int, cents: Int64)
        case pay(card: Int, cents: Int64, partial: Bool)
        case reverse(step: Int)
        case retry(step: Int)

        init(_ seed: Int) {
            let card = (seed >> 3) % 3
            switch seed % 6 {
            case 0, 1: self = .load(card: card, cents: Int64(1 + (seed >> 5) % 6_000))
            case 2, 3: self = .pay(card: card, cents: Int64(1 + (seed >> 5) % 5_000), partial: (seed >> 20) % 2 == 0)
            case 4: self = .reverse(step: (seed >> 5) % 16)
            default: self = .retry(step: (seed >> 5) % 16)
            }
        }

        var description: String {
            switch self {
            case .load(let card, let cents): return "load \(cents) cents card \(card)"
            case .pay(let card, let cents, let partial):
                return "pay \(cents) cents card \(card)\(partial ? " partial" : "")"
            case .reverse(let step): return "reverse step \(step)"
            case .retry(let step): return "retry step \(step)"
            }
        }
    }

    @Test(arguments: StoreKind.available) func prepaidBalancesStayTheSumOfEntriesWithinBoundsAndRetriesChangeNothing(
        _ kind: StoreKind
    ) async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...(1 << 40)).array(of: 1...30)) { seeds in
            do {
                try await Self.run(seeds.map(Step.init), on: kind)
            } catch {
                Issue.record("unexpected failure: \(error)")
            }
        }
    }

    static func money(_ cents: Int64) -> String {
        Money(minorUnits: cents, currency: Currency(code: "EUR")!).decimalString
    }

    static func run(_ steps: [Step], on kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind)
        // Each case is a ledger of its own: closed and removed after it, so that the cases
        // (and shrinking's many more) do not hold files open for the rest of the test run.
        defer { Task { await ledger.discard() } }
        _ = try await ledger.importProgram(program)
        let cards = (0..<3).map { ledger.card("2800", Int64($0)) }
        for card in cards { try await ledger.addCard(card) }
        let db = ledger.store
        let at = "2026-11-24T10:00:00Z"
        // Every request sent that was answered, with its answer; loads and payments by receipt.
        var sent: [(request: () async throws -> PrepaidAnswer, answer: PrepaidAnswer)] = []
        var receipts: [String] = []
        var expected = [Int64](repeating: 0, count: 3)
        for (index, step) in steps.enumerated() {
            let receipt = "P\(index)"
            var request: (() async throws -> PrepaidAnswer)?
            switch step {
            case .load(let card, let cents):
                request = {
                    try await db.prepaidLoad(
                        .init(
                            card: cards[card], till: "k", receipt: receipt, amount: money(cents), tender: "cash", at: at
                        ))
                }
            case .pay(let card, let cents, let partial):
                request = {
                    try await db.prepaidPay(
                        .init(
                            card: cards[card], till: "k", receipt: receipt, amount: money(cents), partial: partial,
                            at: at))
                }
            case .reverse(let target):
                guard !receipts.isEmpty else { continue }
                let original = receipts[target % receipts.count]
                request = { try await db.prepaidReverse(.init(till: "k", receipt: original, at: at)) }
            case .retry(let target):
                guard !sent.isEmpty else { continue }
                let first = sent[target % sent.count]
                let before = try await balances(ledger, cards)
                let again = try await first.request()
                var replayed = first.answer
                replayed.replayed = true
                #expect(again == replayed, "\(step)")
                #expect(try await balances(ledger, cards) == before)
            }
            if let request {
                do {
                    let answer = try await request()
                    // Reversing what was reversed already, with the same request, replays.
                    if answer.replayed {
                        #expect(answer.kind == "reverse", "\(step)")
                        continue
                    }
                    sent.append((request, answer))
                    if answer.kind != "reverse" { receipts.append(receipt) }
                    let card = cards.firstIndex(of: answer.card)!
                    let cents = try Money(parsing: answer.amount, currency: Currency(code: "EUR")!).minorUnits
                    expected[card] += cents
                    #expect(answer.prepaid == money(expected[card]), "\(step)")
                } catch let violation as RuleViolation {
                    // Refusals are part of the game: too little money, past the maximum, a
                    // reversal of what was reversed or spent.
                    #expect(
                        [.insufficientBalance, .aboveMaximumBalance, .reversalNotAllowed].contains(violation.rule),
                        "\(step): \(violation)")
                }
            }
            let now = try await balances(ledger, cards)
            for (card, (points, prepaid)) in now.enumerated() {
                #expect(points == 0)
                #expect(prepaid == expected[card] && prepaid >= 0 && prepaid <= 10_000, "\(step)")
            }
        }
        let report = try await ledger.verify()
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    static func balances(_ ledger: StoreLedger, _ cards: [String]) async throws -> [(Int64, Int64)] {
        var result: [(Int64, Int64)] = []
        for card in cards {
            let account = try await ledger.store.lookup(merchant: nil, card: card).account
            let prepaid = try Money(parsing: account.prepaid ?? "0.00", currency: Currency(code: "EUR")!).minorUnits
            result.append((account.points, prepaid))
        }
        return result
    }
}

private func == (lhs: [(Int64, Int64)], rhs: [(Int64, Int64)]) -> Bool {
    lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
}
