import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// Personal data: only the back office reads, changes, exports or erases it.
extension CoreService {
    static let customerOperations: [Operation] = [
        Operation(name: "customer.register", role: .backOffice) { context in
            let p = try context.parameters(RegisterParameters.self)
            return try await context.database.register(
                merchant: try context.merchant(p.merchant), details: p.details, consents: p.consents ?? .init(mail: false, profiling: false),
                card: p.card)
        },
        Operation(name: "customer.update", role: .backOffice) { context in
            let p = try context.parameters(UpdateParameters.self)
            return try await context.database.updateCustomer(merchant: try context.merchant(p.merchant), id: p.customer,
                                                             patch: p.details ?? CustomerPatch(), consents: p.consents)
        },
        Operation(name: "customer.get", role: .backOffice) { context in
            let p = try context.parameters(CustomerParameters.self)
            return try await context.database.customer(merchant: try context.merchant(p.merchant), id: p.customer)
        },
        Operation(name: "customer.export", role: .backOffice) { context in
            let p = try context.parameters(CustomerParameters.self)
            return try await context.database.exportCustomer(merchant: try context.merchant(p.merchant), id: p.customer)
        },
        Operation(name: "customer.erase", role: .backOffice) { context in
            let p = try context.parameters(CustomerParameters.self)
            try await context.database.erase(merchant: try context.merchant(p.merchant), id: p.customer)
            return try await context.database.customer(merchant: try context.merchant(p.merchant), id: p.customer)
        },
    ]
}
