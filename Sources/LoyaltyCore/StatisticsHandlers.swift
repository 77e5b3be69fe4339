import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// Statistics and segments (types: LoyalgateProtocol/CoreOps/StatisticsOps.swift).
extension CoreService {
    static let statisticsHandlers: [Handler] = [
        Handler(CoreOp.ReportStatistics.self) { context, p in
            try await context.store.statistics(
                merchant: try context.merchant(p.merchant), dimension: p.dimension, period: p.period, at: Date())
        },
        Handler(CoreOp.ReportTrend.self) { context, p in
            var instant = Date()
            if let at = p.at {
                guard let parsed = Timestamp.parse(at) else {
                    throw LoyaltyError(.badRequest, "\"at\" is not a time like 2026-11-24T12:00:00Z.")
                }
                instant = parsed
            }
            return try await context.store.trend(
                merchant: try context.merchant(p.merchant), unit: p.unit, count: p.count ?? 12, at: instant)
        },
        Handler(CoreOp.ReportBestCustomers.self) { context, p in
            try await context.store.bestCustomers(merchant: try context.merchant(p.merchant), limit: p.limit ?? 20)
        },
        Handler(CoreOp.SegmentSave.self) { context, p in
            try await context.store.saveSegment(
                merchant: try context.merchant(p.merchant), name: p.name, filter: p.filter, user: p.user, at: Date())
        },
        Handler(CoreOp.SegmentList.self) { context, p in
            try await context.store.segments(merchant: try context.merchant(p.merchant), at: Date())
        },
        Handler(CoreOp.SegmentMembers.self) { context, p in
            try await context.store.segmentMembers(
                merchant: try context.merchant(p.merchant), segment: p.segment, filter: p.filter, after: p.after ?? 0,
                limit: p.limit ?? 100, at: Date())
        },
        Handler(CoreOp.SegmentMail.self) { context, p in
            try await context.store.mailSegment(
                merchant: try context.merchant(p.merchant), segment: p.segment, subject: p.subject, text: p.text,
                user: p.user, key: p.key, at: Date())
        },
    ]
}
