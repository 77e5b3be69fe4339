import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Campaigns: time-limited rules kept in the program, so each change is a program version
/// (docs/campaigns-and-draws.md).
extension LedgerDatabase {
    /// A change to the campaigns of the current program.
    public enum CampaignChange: Sendable {
        case add(Program.Campaign)
        case cancel(String)
    }

    /// The campaigns of the merchant's current program version, with their state at `instant`.
    public func campaigns(merchant code: String?, at instant: Date) async throws -> CampaignsAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let (version, file) = try Self.currentFile(db, merchant: merchant)
            return Self.campaignsAnswer(merchant, version: version, file: file, at: instant)
        }
    }

    /// Adds or cancels a campaign as a new program version, judged at `instant` (now): a new
    /// campaign may not start before the current minute nor have ended; cancelling removes a
    /// planned campaign and ends a running one at the current minute (the sales it already
    /// gave points to keep them: they stay on the version they earned under).
    public func changeCampaigns(merchant code: String?, _ change: CampaignChange, at instant: Date) async throws
        -> CampaignsAnswer
    {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let (_, current) = try Self.currentFile(db, merchant: merchant)
            let file = try Self.changed(current, change, merchant: merchant, at: instant)
            do {
                let (checked, text) = try Self.versionText(file, stored: true)
                let stored = try Self.store(db, file, checked.currency, text)
                return Self.campaignsAnswer(merchant, version: stored.version, file: file, at: instant)
            } catch let error as ProgramError {
                throw LoyaltyError(.badRequest, error.message)
            }
        }
    }

    /// The current program file with `change` made, judged at `instant` (engine-independent:
    /// the PostgreSQL store calls it through `LedgerRules.changedCampaigns`).
    static func changed(_ current: ProgramFile, _ change: CampaignChange, merchant: Merchant, at instant: Date)
        throws -> ProgramFile
    {
        var file = current
        var campaigns = file.program.campaigns ?? []
        let now = Self.localMinute(instant, timeZone: merchant.timeZone)
        switch change {
        case .add(let campaign):
            do throws(ProgramError) { try campaign.validate() } catch {
                throw LoyaltyError(.badRequest, error.message)
            }
            guard !campaigns.contains(where: { $0.id == campaign.id }) else {
                throw LoyaltyError(
                    .badRequest, "A campaign \(campaign.id) is already in the program; give this one its own id.")
            }
            guard campaign.from >= now else {
                throw LoyaltyError(
                    .badRequest,
                    "Campaign \(campaign.id) would start at \(campaign.from), before now (\(now) in \(merchant.timeZone.identifier)): a campaign is planned ahead, from now at the earliest."
                )
            }
            campaigns.append(campaign)
        case .cancel(let id):
            guard let index = campaigns.firstIndex(where: { $0.id == id }) else {
                throw LoyaltyError(.badRequest, "The program has no campaign \(id).")
            }
            switch campaigns[index].state(at: instant, timeZone: merchant.timeZone) {
            case .planned:
                campaigns.remove(at: index)
            case .running:
                if campaigns[index].from >= now {
                    campaigns.remove(at: index)
                } else {
                    campaigns[index].until = now
                }
            case .ended:
                throw LoyaltyError(
                    .badRequest, "Campaign \(id) ended at \(campaigns[index].until); there is nothing to cancel.")
            }
        }
        file.program.campaigns = campaigns
        return file
    }

    /// The current version's number and file.
    static func currentFile(_ db: Database, merchant: Merchant) throws -> (version: Int, file: ProgramFile) {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT version, rules FROM program_version WHERE merchant_id = ? ORDER BY version DESC LIMIT 1",
                arguments: [merchant.id])
        else {
            throw LoyaltyError(.unknownMerchant, "\(merchant.code) has no program yet.")
        }
        return (row["version"], try ProgramFile.decode(Data((row["rules"] as String).utf8), stored: true))
    }

    /// The campaigns of the current version of merchant `code` that are planned or running
    /// now; nil when the merchant is new or has none.
    static func carriedCampaigns(_ db: Database, code: String) throws -> [Program.Campaign]? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merchant WHERE code = ?", arguments: [code]) else {
            return nil
        }
        let merchant = merchant(row: row)
        guard let (_, file) = try? currentFile(db, merchant: merchant) else { return nil }
        return carried(file, timeZone: merchant.timeZone)
    }

    /// The campaigns of `file` that are planned or running now; nil when none are.
    static func carried(_ file: ProgramFile, timeZone: TimeZone) -> [Program.Campaign]? {
        let kept = (file.program.campaigns ?? []).filter { $0.state(at: Date(), timeZone: timeZone) != .ended }
        return kept.isEmpty ? nil : kept
    }

    static func campaignsAnswer(_ merchant: Merchant, version: Int, file: ProgramFile, at instant: Date)
        -> CampaignsAnswer
    {
        CampaignsAnswer(
            merchant: merchant.code, timeZone: merchant.timeZone.identifier, version: version,
            campaigns: (file.program.campaigns ?? []).sorted { ($0.from, $0.id) < ($1.from, $1.id) }.map {
                .init(campaign: $0, state: $0.state(at: instant, timeZone: merchant.timeZone).rawValue)
            })
    }

    /// `instant` as a local time of the form campaigns use, `2027-03-01T09:30`: fixed-width,
    /// so such times compare as text.
    static func localMinute(_ instant: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2)):\(pad(parts.minute, 2))"
    }
}
