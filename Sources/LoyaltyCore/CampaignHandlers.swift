import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// Campaigns and prize draws (types: LoyalgateProtocol/CoreOps/CampaignOps.swift). "Now" is the
/// core's clock: a campaign is planned ahead of it, a draw committed before its period ends and
/// drawn after.
extension CoreService {
    static let campaignHandlers: [Handler] = [
        Handler(CoreOp.CampaignAdd.self) { context, p in
            try await context.store.changeCampaigns(
                merchant: try context.merchant(p.merchant), .add(p.campaign), at: Date())
        },
        Handler(CoreOp.CampaignCancel.self) { context, p in
            try await context.store.changeCampaigns(
                merchant: try context.merchant(p.merchant), .cancel(p.campaign), at: Date())
        },
        Handler(CoreOp.CampaignList.self) { context, p in
            try await context.store.campaigns(merchant: try context.merchant(p.merchant), at: Date())
        },
        Handler(CoreOp.DrawDefine.self) { context, p in
            var request = p
            request.merchant = try context.merchant(p.merchant)
            return try await context.store.defineDraw(request, at: Date())
        },
        Handler(CoreOp.DrawCommit.self) { context, p in
            try await context.store.commitDraw(merchant: try context.merchant(p.merchant), draw: p.draw, at: Date())
        },
        Handler(CoreOp.DrawRun.self) { context, p in
            try await context.store.runDraw(merchant: try context.merchant(p.merchant), draw: p.draw, at: Date())
        },
        Handler(CoreOp.DrawList.self) { context, p in
            try await context.store.draws(merchant: try context.merchant(p.merchant))
        },
        Handler(CoreOp.DrawReport.self) { context, p in
            try await context.store.drawReport(merchant: try context.merchant(p.merchant), draw: p.draw)
        },
    ]
}
