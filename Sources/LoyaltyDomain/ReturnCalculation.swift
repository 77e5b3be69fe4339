import Foundation

/// How much of an earn a return takes back.
///
/// The customer keeps what the lines still kept would have earned under the original rules;
/// everything above that, less what earlier returns already took, comes back. Computing from
/// what is kept (not from what is returned) means returning a receipt in several parts takes
/// back exactly the original earning in total, never more, whatever the rounding.
public struct ReturnCalculation: Sendable {
    public let originalLines: [SaleLine]
    public let originalEarning: Earning
    public let member: Bool
    /// The original sale's time: the campaigns running then are the ones it earned under.
    public let saleTime: Date?

    public init(originalLines: [SaleLine], originalEarning: Earning, member: Bool, saleTime: Date? = nil) {
        self.originalLines = originalLines
        self.originalEarning = originalEarning
        self.member = member
        self.saleTime = saleTime
    }

    /// - Parameters:
    ///   - earlierReturns: lines returned by earlier returns against the same receipt.
    ///   - alreadyTaken: what those returns already took back.
    ///   - returning: the lines of this return (`sku` and `amount`).
    public func takeBack(
        rules: EarningRules, earlierReturns: [SaleLine], alreadyTaken: Earning,
        returning: [SaleLine]
    ) throws(RuleViolation) -> Earning {
        var remaining: [String: Int64] = [:]
        var order: [String] = []
        var attributes: [String: SaleLine] = [:]
        for line in originalLines {
            if remaining[line.sku] == nil {
                order.append(line.sku)
                attributes[line.sku] = line
            }
            remaining[line.sku, default: 0] += line.amount.minorUnits
        }
        for line in earlierReturns + returning {
            guard let left = remaining[line.sku] else {
                throw RuleViolation(.returnExceedsOriginal, "Item \(line.sku) is not on the original receipt.")
            }
            guard line.amount.minorUnits <= left else {
                throw RuleViolation(
                    .returnExceedsOriginal, "The return of \(line.sku) is more than the original receipt sold.")
            }
            remaining[line.sku] = left - line.amount.minorUnits
        }
        let kept = order.compactMap { sku -> SaleLine? in
            guard var line = attributes[sku] else { return nil }
            line.amount.minorUnits = remaining[sku] ?? 0
            return line
        }
        let keep = rules.earning(for: kept, member: member, at: saleTime)
        let points = clamp(
            originalEarning.points - keep.points - alreadyTaken.points,
            upTo: originalEarning.points - alreadyTaken.points)
        let discount = clamp(
            originalEarning.discount.minorUnits - keep.discount.minorUnits - alreadyTaken.discount.minorUnits,
            upTo: originalEarning.discount.minorUnits - alreadyTaken.discount.minorUnits)
        return Earning(points: points, discount: Money(minorUnits: discount, currency: rules.currency))
    }

    private func clamp(_ value: Int64, upTo limit: Int64) -> Int64 { max(0, min(value, max(0, limit))) }
}
