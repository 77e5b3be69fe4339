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
        Handler(CoreOp.ProgramImport.self) { context, p in
            guard p.file.utf8.count <= 1 << 20 else {
                throw LoyaltyError(.badRequest, "A program file is at most 1 MiB.")
            }
            let file: ProgramFile
            do throws(ProgramError) { file = try ProgramFile.decode(Data(p.file.utf8)) } catch {
                throw LoyaltyError(.badRequest, error.message)
            }
            if file.program.closed?.dutyRoster != nil {
                throw LoyaltyError(
                    .badRequest,
                    "closed.dutyRoster: the core reads no file a caller names; give the roster's periods in closed.periods."
                )
            }
            // A caller bound to a merchant imports only that merchant's program, and `merchant`,
            // when given, must be the one the file names.
            guard try context.merchant(p.merchant ?? file.merchant.code) == file.merchant.code else {
                throw LoyaltyError(
                    .forbidden, "This program is for \(file.merchant.code), not for \(p.merchant ?? "this caller").")
            }
            do {
                let imported = try await context.store.storeProgram(file)
                return ProgramImportAnswer(
                    merchant: imported.merchant, version: imported.version, created: imported.created)
            } catch let error as ProgramError {
                throw LoyaltyError(.badRequest, error.message)
            }
        },
        Handler(CoreOp.ExportPage.self) { context, p in
            guard let kind = ExportKind(rawValue: p.file) else {
                throw LoyaltyError(.badRequest, "\"file\" is cards, customers or ledger.")
            }
            return try await context.store.exportPage(
                merchant: try context.merchant(p.merchant), kind: kind, after: p.after ?? 0, limit: p.limit ?? 500)
        },
        Handler(CoreOp.ProgramVersions.self) { context, p in
            try await context.store.programVersions(merchant: try context.merchant(p.merchant))
        },
    ]
}
