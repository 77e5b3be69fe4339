import Foundation

/// The coarse facts statistics and segments group customers by (docs/statistics.md). They are
/// all that leaves a customer's sealed record for this purpose: a gender in four words, the
/// decade of birth and the postcode's first two characters. None of them, alone or together,
/// is meant to name a person; reports still hide every group of fewer than
/// `StatisticsDimensions.smallestGroup` customers.
public enum StatisticsDimensions {
    /// Groups of fewer customers are not shown (no one is singled out).
    public static let smallestGroup = 5

    /// `female`, `male`, `other` or `unknown`, from what the register form or an import gave.
    public static func gender(_ text: String?) -> String {
        guard let text = text?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else {
            return "unknown"
        }
        switch text {
        case "f", "female", "woman", "w", "v", "vrouw", "frau", "weiblich", "femme", "ж", "жена": return "female"
        case "m", "male", "man", "mann", "männlich", "homme", "м", "мъж": return "male"
        default: return "other"
        }
    }

    /// The first year of the decade of birth (`1980` for 1980-1989), or nil.
    public static func birthDecade(_ birthDate: String?) -> Int? {
        guard let birthDate, let year = Int(birthDate.prefix(4)), (1850...2300).contains(year) else { return nil }
        return year / 10 * 10
    }

    /// A decade of birth as an age band in `year`: the ages its people reach that year.
    /// `1980` in 2026 is `37-46`; nil is `unknown`.
    public static func ageBand(decade: Int?, year: Int) -> String {
        guard let decade else { return "unknown" }
        let youngest = max(0, year - decade - 9)
        let oldest = max(0, year - decade)
        return "\(youngest)-\(oldest)"
    }

    /// The postcode area: its first two letters or digits, upper case (`1012 AB` is `10`,
    /// `SW1A 1AA` is `SW`); `unknown` when there is none.
    public static func area(_ postcode: String?) -> String {
        let kept = (postcode ?? "").uppercased().unicodeScalars.filter {
            ("0"..."9").contains($0) || ("A"..."Z").contains($0)
        }
        guard kept.count >= 2 else { return "unknown" }
        return String(String.UnicodeScalarView(kept.prefix(2)))
    }

    /// The shop of a till: what comes before the first `/` of the till's name
    /// (`shop-12/till-2` is `shop-12`), or the whole name.
    public static func shop(till: String) -> String {
        String(till.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(till))
    }
}

/// What marketing (segments and their mailings) may use of a customer's purchases. What a
/// customer bought of medicine is health data: it is left out of every per-customer figure
/// marketing sees at every merchant, unless the program says otherwise. The default is the
/// safe one because a program that forgets to say it is a pharmacy must not mail on medicine.
public struct MarketingRule: Sendable, Hashable, Codable {
    /// The merchant is a pharmacy. Kept so older program files still read; it no longer
    /// changes anything: medicine is left out at every merchant unless `medicineInMarketing`.
    public var pharmacy: Bool?
    /// The line categories that are medicine; when absent, every category whose name ends in
    /// `medicine` (`otc-medicine`, `reimbursed-medicine`, `medicine`).
    public var medicineCategories: [String]?
    /// The pharmacy's explicit choice to let medicine purchases into marketing (with its
    /// customers' consent to that, which the shop must hold itself).
    public var medicineInMarketing: Bool?

    public init(pharmacy: Bool? = nil, medicineCategories: [String]? = nil, medicineInMarketing: Bool? = nil) {
        self.pharmacy = pharmacy
        self.medicineCategories = medicineCategories
        self.medicineInMarketing = medicineInMarketing
    }

    /// Whether a line with this category is kept out of marketing.
    public func excludes(category: String?) -> Bool {
        guard medicineInMarketing != true else { return false }
        guard let category = category?.lowercased() else { return false }
        if let listed = medicineCategories { return listed.contains { $0.lowercased() == category } }
        return category.hasSuffix("medicine")
    }
}
