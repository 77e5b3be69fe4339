import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// The card's life and households: back-office ops.
extension CoreService {
    static let cardOperations: [Operation] = [
        Operation(name: "card.activate", role: .backOffice) { context in
            let p = try context.parameters(ActivateParameters.self)
            return try await context.database.activate(merchant: try context.merchant(p.merchant), card: p.card, customer: p.customer)
        },
        Operation(name: "card.block", role: .backOffice) { context in
            let p = try context.parameters(BlockParameters.self)
            return try await context.database.block(merchant: try context.merchant(p.merchant), card: p.card, reason: p.reason ?? "lost")
        },
        Operation(name: "card.replace", role: .backOffice) { context in
            let p = try context.parameters(ReplaceParameters.self)
            return try await context.database.replace(merchant: try context.merchant(p.merchant), card: p.card, reason: p.reason,
                                                      newCard: p.newCard)
        },
        Operation(name: "card.link-patient", role: .backOffice) { context in
            let p = try context.parameters(PatientParameters.self)
            try await context.database.linkPatient(merchant: try context.merchant(p.merchant), card: p.card, patientRef: p.patientRef)
            return try await context.database.lookup(merchant: try context.merchant(p.merchant), card: p.card)
        },
        Operation(name: "account.pool", role: .backOffice) { context in
            let p = try context.parameters(PoolParameters.self)
            return try await context.database.pool(merchant: try context.merchant(p.merchant), card: p.card, into: p.into)
        },
        Operation(name: "account.split", role: .backOffice) { context in
            let p = try context.parameters(SplitParameters.self)
            return try await context.database.split(merchant: try context.merchant(p.merchant), card: p.card, points: p.points ?? 0,
                                                    amount: p.amount)
        },
    ]
}
