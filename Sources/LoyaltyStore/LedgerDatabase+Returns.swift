import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

extension LedgerDatabase {
    /// Takes back what the returned lines earned, under the rules the original receipt earned
    /// with. Points the customer already spent cannot be taken: the account stops at zero and
    /// the entry records the shortfall. Idempotent on the return's own (till, receipt).
    public func returnLines(_ request: CoreOp.TxnReturn.Parameters) async throws -> TxnAnswer {
        let request = try request.checked(needsLines: true)
        let saleTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let returning = try request.lines.map { line throws(LoyaltyError) in
                try line.saleLine(currency: merchant.currency)
            }
            let digest = LedgerRules.returnDigest(
                lines: returning, at: saleTime, originalTill: request.original.till,
                originalReceipt: request.original.receipt)
            if let answer = try Self.replay(
                db, merchant: merchant, till: request.till, receipt: request.receipt, kind: "return", digest: digest)
            {
                return answer
            }
            try LedgerRules.refuseReturn(
                after: try Self.programEnd(db, merchant: merchant), now: Date(), merchant: merchant)
            guard
                let original = try Row.fetchOne(
                    try db.cachedStatement(
                        sql: """
                            SELECT id, account_id, card_number, program_version_id, member, lines, points, amount_minor, at
                            FROM till_txn WHERE merchant_id = ? AND till = ? AND receipt = ? AND kind = 'earn'
                            """), arguments: [merchant.id, request.original.till, request.original.receipt])
            else {
                throw LoyaltyError(
                    .unknownReceipt,
                    "No earn is recorded for receipt \(request.original.receipt) of till \(request.original.till).")
            }
            let originalID: Int64 = original["id"]
            let versionID: Int64 = original["program_version_id"]
            let rules = try self.program(db, versionID: versionID, merchant: merchant)
            let decoder = JSONDecoder()
            let originalLines = try decoder.decode([SaleLine].self, from: Data((original["lines"] as String).utf8))
            var earlierLines: [SaleLine] = []
            var taken = Earning(points: 0, discount: .zero(merchant.currency))
            for row in try Row.fetchAll(
                try db.cachedStatement(
                    sql: "SELECT lines, points, amount_minor FROM till_txn WHERE original_txn_id = ?"),
                arguments: [originalID])
            {
                earlierLines += try decoder.decode([SaleLine].self, from: Data((row["lines"] as String).utf8))
                taken.points -= row["points"] as Int64
                taken.discount.minorUnits -= row["amount_minor"] as Int64
            }
            let calculation = ReturnCalculation(
                originalLines: originalLines,
                originalEarning: Earning(
                    points: original["points"],
                    discount: Money(minorUnits: original["amount_minor"], currency: merchant.currency)),
                member: original["member"], saleTime: Timestamp.parse(original["at"]))
            let back = try calculation.takeBack(
                rules: rules, earlierReturns: earlierLines, alreadyTaken: taken, returning: returning)
            let account = try Self.account(db, id: original["account_id"])
            let stampsBack = try Self.stampsBack(
                db, rules: rules, originalID: originalID, originalLines: originalLines, returning: returning)
            return try Self.post(
                db, merchant: merchant,
                Posting(
                    kind: "return", till: request.till, receipt: request.receipt, card: original["card_number"],
                    account: account,
                    programVersionID: versionID, originalTxnID: originalID, lines: returning,
                    intendedPoints: -back.points, intendedMinor: -back.discount.minorUnits,
                    points: -min(back.points, account.points),
                    minor: -min(back.discount.minorUnits, account.balanceMinor),
                    at: saleTime ?? Date(), redeemed: nil,
                    // Stamps already spent on a reward cannot come back: the card stops at zero.
                    stamps: -min(stampsBack, account.stamps), intendedStamps: -stampsBack, digest: digest))
        }
    }
}
