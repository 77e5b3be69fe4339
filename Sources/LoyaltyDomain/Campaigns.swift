import Foundation

extension Program {
    /// A time-limited rule added to the program: "double points on Vichy from 1 to 14 March",
    /// "triple points for members this weekend" (docs/campaigns-and-draws.md).
    ///
    /// A campaign is part of the program version it was added in: adding or cancelling one
    /// stores a new version, and a sale keeps the version (and so the campaigns) it earned
    /// under, so its return takes back exactly what the campaign gave.
    public struct Campaign: Sendable, Hashable, Codable {
        /// A short stable name, unique in the program: `"vichy-march"`.
        public var id: String
        /// What the shop calls it, shown in the back office.
        public var name: String
        /// Local wall-clock time in the merchant's time zone, `"2027-03-01T00:00"`, inclusive.
        public var from: String
        /// The same, exclusive: 1 to 14 March is from `2027-03-01T00:00` until `2027-03-15T00:00`.
        public var until: String
        /// Points of a matching line are multiplied by this (`"2"` doubles them), on top of the
        /// program's own multipliers. Several campaigns on one line: the highest applies alone.
        public var multiplier: Ratio?
        /// Points added once to a receipt with at least one matching line that earns.
        public var bonusPoints: Int64?
        /// A line matches only with one of these brands, when given.
        public var brands: [String]?
        /// A line matches only with one of these categories, when given.
        public var categories: [String]?
        /// Only accounts that are members at the sale's time, when true.
        public var membersOnly: Bool?

        public init(
            id: String, name: String, from: String, until: String, multiplier: Ratio? = nil,
            bonusPoints: Int64? = nil, brands: [String]? = nil, categories: [String]? = nil, membersOnly: Bool? = nil
        ) {
            self.id = id
            self.name = name
            self.from = from
            self.until = until
            self.multiplier = multiplier
            self.bonusPoints = bonusPoints
            self.brands = brands
            self.categories = categories
            self.membersOnly = membersOnly
        }

        /// The most campaigns one program holds: every sale looks at each of them.
        public static let maximumCount = 200
        /// The highest campaign multiplier: x100 is already a typing error more often than not.
        public static let maximumMultiplier = Ratio(millionths: 100 * Ratio.scale)
        /// The most bonus points one campaign gives a receipt.
        public static let maximumBonus: Int64 = 1_000_000

        /// Whether the sale's local time falls in the campaign's window.
        func isRunning(at local: LocalTimestamp) -> Bool {
            guard let start = LocalTimestamp(dateTime: from), let end = LocalTimestamp(dateTime: until) else {
                return false
            }
            return start <= local && local < end
        }

        /// Whether a line of this brand and category, for a member or not, is one the campaign is for.
        func matches(_ line: SaleLine, member: Bool) -> Bool {
            if membersOnly == true, !member { return false }
            if let brands, !brands.contains(line.brand ?? "") { return false }
            if let categories, !categories.contains(line.category ?? "") { return false }
            return true
        }

        /// Where the campaign stands at `instant` in `timeZone`: planned, running or ended.
        public func state(at instant: Date, timeZone: TimeZone) -> State {
            let local = LocalTimestamp(instant, timeZone: timeZone)
            guard let start = LocalTimestamp(dateTime: from), let end = LocalTimestamp(dateTime: until) else {
                return .ended
            }
            if local < start { return .planned }
            return local < end ? .running : .ended
        }

        public enum State: String, Sendable, Codable {
            case planned, running, ended
        }

        /// Checks every field, so a bad campaign is refused when it is added, not on a sale.
        public func validate() throws(ProgramError) {
            let field = "campaigns.\(id)"
            guard !id.isEmpty, id.unicodeScalars.count <= 64,
                id.unicodeScalars.allSatisfy({
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
                })
            else {
                throw ProgramError("campaigns: \"\(id.prefix(64))\" must be an id of 1 to 64 letters, digits, - or _.")
            }
            // The name is shown in the back office and written to its log lines: one line of text.
            guard !name.isEmpty, name.unicodeScalars.count <= 200,
                !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
            else {
                throw ProgramError("\(field).name: a campaign needs a name of 1 to 200 characters on one line.")
            }
            guard let start = LocalTimestamp(dateTime: from), let end = LocalTimestamp(dateTime: until) else {
                throw ProgramError(
                    "\(field): \"\(from)\" to \"\(until)\" needs local times like 2027-03-01T00:00 (until is exclusive)."
                )
            }
            guard start < end else {
                throw ProgramError("\(field): \(from) is not before \(until).")
            }
            guard multiplier != nil || bonusPoints != nil else {
                throw ProgramError("\(field): a campaign gives a multiplier, bonus points or both.")
            }
            if let multiplier,
                multiplier.millionths < Ratio.scale || multiplier.millionths > Self.maximumMultiplier.millionths
            {
                throw ProgramError("\(field).multiplier: \"\(multiplier)\" must be between 1 and 100 (\"2\" doubles).")
            }
            if let bonusPoints, !(1...Self.maximumBonus).contains(bonusPoints) {
                throw ProgramError(
                    "\(field).bonusPoints: \(bonusPoints) must be between 1 and \(Limits.grouped(Self.maximumBonus)).")
            }
            for (name, list) in [("brands", brands), ("categories", categories)] {
                guard let list else { continue }
                guard !list.isEmpty, list.count <= 100,
                    list.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.count <= 64 })
                else {
                    throw ProgramError(
                        "\(field).\(name): 1 to 100 names of 1 to 64 characters; leave it out for every line.")
                }
            }
        }
    }
}

extension EarningRules {
    /// The campaigns running at `instant` (the sale's time) in the merchant's time zone.
    func campaigns(at instant: Date?) -> [Program.Campaign] {
        guard let instant, let all = program.campaigns, !all.isEmpty else { return [] }
        let local = LocalTimestamp(instant, timeZone: timeZone)
        return all.filter { $0.isRunning(at: local) }
    }

    /// Checks the campaigns of a program: each one's fields, ids unique, at most
    /// `Campaign.maximumCount`.
    static func checkCampaigns(_ campaigns: [Program.Campaign]?) throws(ProgramError) {
        guard let campaigns else { return }
        guard campaigns.count <= Program.Campaign.maximumCount else {
            throw ProgramError("campaigns: at most \(Program.Campaign.maximumCount) in one program.")
        }
        var ids: Set<String> = []
        for campaign in campaigns {
            try campaign.validate()
            guard ids.insert(campaign.id).inserted else {
                throw ProgramError("campaigns: \(campaign.id) is listed twice.")
            }
        }
    }

    /// The highest multiplier any campaign gives (millionths); x1 without campaigns.
    var highestCampaignMultiplier: Int128 {
        Int128((program.campaigns ?? []).compactMap(\.multiplier?.millionths).max() ?? Ratio.scale)
    }

    /// The most bonus points one receipt can get: every campaign's at once.
    var mostCampaignBonus: Int128 {
        (program.campaigns ?? []).reduce(Int128(0)) { $0 + Int128($1.bonusPoints ?? 0) }
    }
}
