import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PropertyBased
import Testbed
import Testing

/// Random sequences of sales with stamps, returns, stamp rewards, prepaid loads and payments,
/// voucher issues and uses, and retries of any of them, against a real database: every balance
/// stays the sum of its entries and never below zero, a voucher is never used more than it
/// allows, and a retry changes nothing.
@Suite struct CardKindPropertyTests {
    static let program = ProgramFile(
        merchant: .init(
            code: "kinds", name: "Every kind", currency: "EUR", timeZone: "Europe/Berlin", cardPrefix: "2800"),
        program: Program(
            points: .init(per: "1.00"), prepaid: .init(maximumBalance: "100.00"),
            stamps: .init(
                per: .item, categories: ["coffee"], minimumAmount: "1.00",
                reward: .init(stamps: 4, name: "Free coffee", amountOff: "2.50"))))

    enum Step: CustomStringConvertible {
        case sale(card: Int, cups: Int)
        case giveBack(step: Int, cups: Int)
        case reward(card: Int)
        case load(card: Int, cents: Int64)
        case pay(card: Int, cents: Int64)
        case issue(uses: Int64)
        case use(voucher: Int)
        case retry(step: Int)

        init(_ seed: Int) {
            let card = (seed >> 4) % 3
            let small = (seed >> 6) % 5
            switch seed % 9 {
            case 0, 1: self = .sale(card: card, cups: 1 + small)
            case 2: self = .giveBack(step: (seed >> 9) % 16, cups: 1 + small % 3)
            case 3: self = .reward(card: card)
            case 4: self = .load(card: card, cents: Int64(1 + (seed >> 9) % 6_000))
            case 5: self = .pay(card: card, cents: Int64(1 + (seed >> 9) % 5_000))
            case 6: self = .issue(uses: Int64(1 + small % 2))
            case 7: self = .use(voucher: (seed >> 9) % 8)
            default: self = .retry(step: (seed >> 9) % 16)
            }
        }

        var description: String {
            switch self {
            case .sale(let card, let cups): return "sale of \(cups) cups on card \(card)"
            case .giveBack(let step, let cups): return "return \(cups) cups of sale \(step)"
            case .reward(let card): return "stamp reward on card \(card)"
            case .load(let card, let cents): return "load \(cents) on card \(card)"
            case .pay(let card, let cents): return "pay \(cents) from card \(card)"
            case .issue(let uses): return "issue a voucher of \(uses) uses"
            case .use(let voucher): return "use voucher \(voucher)"
            case .retry(let step): return "retry request \(step)"
            }
        }
    }

    @Test(arguments: StoreKind.available) func everyBalanceStaysTheSumOfItsEntriesAndRetriesChangeNothing(
        _ kind: StoreKind
    ) async {
        await propertyCheck(count: 30, input: Gen.int(in: 0...(1 << 40)).array(of: 1...30)) { seeds in
            do {
                try await Self.run(seeds.map(Step.init), on: kind)
            } catch {
                Issue.record("unexpected failure: \(error)")
            }
        }
    }

    struct Balances: Equatable {
        var points: [Int64]
        var stamps: [Int64]
        var prepaid: [String?]
        var vouchers: [Int64]
    }

    static func run(_ steps: [Step], on kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind)
        defer { Task { await ledger.discard() } }
        _ = try await ledger.importProgram(program)
        let cards = (0..<3).map { ledger.card("2800", Int64($0)) }
        for card in cards { try await ledger.addCard(card) }
        let db = ledger.store
        let at = "2026-11-24T10:00:00Z"
        var sent: [() async throws -> Void] = []
        var sales: [(receipt: String, cups: Int)] = []
        var vouchers: [(code: String, uses: Int64)] = []
        var stamps = [Int64](repeating: 0, count: 3)

        func balances() async throws -> Balances {
            var result = Balances(points: [], stamps: [], prepaid: [], vouchers: [])
            for card in cards {
                let account = try await db.lookup(merchant: nil, card: card).account
                result.points.append(account.points)
                result.stamps.append(account.stamps ?? 0)
                result.prepaid.append(account.prepaid)
            }
            for voucher in vouchers {
                result.vouchers.append(try await db.voucherLookup(merchant: nil, code: voucher.code).used)
            }
            return result
        }

        for (index, step) in steps.enumerated() {
            let receipt = "R\(index)"
            var request: (() async throws -> Void)?
            switch step {
            case .sale(let card, let cups):
                request = {
                    let answer = try await db.earn(
                        .init(
                            card: cards[card], till: "k", receipt: receipt,
                            lines: [.init(sku: "cup", amount: "\(2 * cups).00", qty: cups, category: "coffee")],
                            at: at))
                    if !answer.replayed {
                        #expect(answer.stamps == Int64(cups))
                        stamps[card] += Int64(cups)
                        sales.append((receipt, cups))
                    }
                }
            case .giveBack(let target, let cups):
                guard !sales.isEmpty else { continue }
                let sale = sales[target % sales.count]
                request = {
                    _ = try await db.returnLines(
                        .init(
                            till: "k", receipt: receipt, original: .init(till: "k", receipt: sale.receipt),
                            lines: [.init(sku: "cup", amount: "\(2 * cups).00", qty: cups)], at: at))
                }
            case .reward(let card):
                request = {
                    _ = try await db.stampsRedeem(.init(card: cards[card], till: "k", receipt: receipt, at: at))
                }
            case .load(let card, let cents):
                request = {
                    _ = try await db.prepaidLoad(
                        .init(
                            card: cards[card], till: "k", receipt: receipt, amount: PrepaidPropertyTests.money(cents),
                            tender: "cash", at: at))
                }
            case .pay(let card, let cents):
                request = {
                    _ = try await db.prepaidPay(
                        .init(
                            card: cards[card], till: "k", receipt: receipt, amount: PrepaidPropertyTests.money(cents),
                            partial: true, at: at))
                }
            case .issue(let uses):
                request = {
                    let answer = try await db.voucherIssue(
                        .init(till: "k", receipt: receipt, kind: .value, amount: "1.00", uses: uses, at: at))
                    if !answer.replayed { vouchers.append((answer.voucher.code, uses)) }
                }
            case .use(let target):
                guard !vouchers.isEmpty else { continue }
                let code = vouchers[target % vouchers.count].code
                request = {
                    _ = try await db.voucherRedeem(
                        .init(code: code, till: "k", receipt: receipt, purchaseTotal: "3.00", at: at))
                }
            case .retry(let target):
                guard !sent.isEmpty else { continue }
                let before = try await balances()
                try await sent[target % sent.count]()
                #expect(try await balances() == before, "\(step)")
                continue
            }
            guard let request else { continue }
            do {
                try await request()
                sent.append(request)
            } catch let violation as RuleViolation {
                // Refusals are part of the game: too few stamps, too little money, a spent
                // voucher, a return of more than was sold.
                #expect(
                    [.insufficientBalance, .voucherSpent, .returnExceedsOriginal, .aboveMaximumBalance].contains(
                        violation.rule), "\(step): \(violation)")
            }
            let now = try await balances()
            #expect(now.stamps.allSatisfy { $0 >= 0 } && now.points.allSatisfy { $0 >= 0 }, "\(step)")
            for (voucher, used) in zip(vouchers, now.vouchers) { #expect(used <= voucher.uses, "\(step)") }
        }
        let report = try await ledger.verify()
        #expect(report.problems.isEmpty, "\(report.problems)")
    }
}
