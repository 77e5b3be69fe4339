import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// The back office's dashboard figures and audit log (types: LoyalgateProtocol/CoreOps/BackOfficeOps.swift).
extension CoreService {
    static let backOfficeHandlers: [Handler] = [
        Handler(CoreOp.ReportSummary.self) { context, p in
            var instant = Date()
            if let at = p.at {
                guard let parsed = Timestamp.parse(at) else {
                    throw LoyaltyError(.badRequest, "\"at\" is not a time like 2026-11-24T12:00:00Z.")
                }
                instant = parsed
            }
            return try await context.store.summary(merchant: try context.merchant(p.merchant), at: instant)
        },
        Handler(CoreOp.AuditAppend.self) { context, p in
            var request = p
            request.merchant = try context.merchant(p.merchant)
            return try await context.store.appendAudit(request)
        },
        Handler(CoreOp.AuditList.self) { context, p in
            try await context.store.auditList(merchant: try context.merchant(p.merchant), limit: p.limit ?? 100)
        },
    ]
}
