import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// The cardholder's personal details through a mailed one-time link, and the program's end
/// (types: LoyalgateProtocol/CoreOps/HolderDetailsOps.swift, ProgramEndOps.swift).
extension CoreService {
    /// The one answer `cardholder.link` ever gives.
    static let holderLinkNote =
        "If an address is on file for this card, a link to your details is on its way; it works once, for 30 minutes."

    static let holderDetailsHandlers: [Handler] = [
        Handler(CoreOp.CardholderLink.self) { context, p in
            let claims = try context.tokens.verify(p.token, at: Date())
            let merchant = try context.merchant(claims.merchant) ?? claims.merchant
            // A blocked or replaced card's token reaches nobody's details either.
            let card = try await context.store.lookup(merchant: merchant, card: claims.card).card
            try Self.refuseEnded(card.status)
            let language = p.language.flatMap { ["en", "nl", "de"].contains($0) ? $0 : nil }
            try await context.store.requestHolderLink(
                merchant: merchant, card: card.number, language: language, now: Date())
            return CardholderLinkAnswer(note: holderLinkNote)
        },
        Handler(CoreOp.CardholderOpen.self) { context, p in
            try await context.store.openHolderLink(merchant: try context.merchant(nil), link: p.link, now: Date())
        },
        Handler(CoreOp.CardholderDetails.self) { context, p in
            let session = try await context.store.holderSession(
                merchant: try context.merchant(nil), session: p.session, now: Date())
            var record = try await context.store.customer(merchant: session.merchant, id: session.customer)
            if let mail = p.consentMail, mail != record.consents.mail {
                record = try await context.store.updateCustomer(
                    merchant: session.merchant, id: session.customer, patch: CustomerPatch(),
                    consents: Consents(mail: mail, profiling: record.consents.profiling))
            }
            let shop = try await context.store.merchants().first { $0.code == session.merchant }?.name
            let details = record.details
            return CardholderDetailsAnswer(
                merchant: session.merchant, shop: shop ?? session.merchant, name: details?.name ?? "",
                address: details?.address, postcode: details?.postcode, email: details?.email,
                consentMail: record.consents.mail, expires: Timestamp.format(session.expires))
        },
        Handler(CoreOp.CardholderExport.self) { context, p in
            let session = try await context.store.holderSession(
                merchant: try context.merchant(nil), session: p.session, now: Date())
            return try await context.store.exportCustomer(merchant: session.merchant, id: session.customer)
        },
        Handler(CoreOp.ProgramEndAnnounce.self) { context, p in
            let merchant = try await context.merchantCode(try context.merchant(p.merchant))
            let by = p.by.map { String($0.prefix(64)) } ?? "back office"
            return try await context.store.announceProgramEnd(merchant: merchant, date: p.date, by: by, now: Date())
        },
        Handler(CoreOp.ProgramEndGet.self) { context, p in
            let merchant = try await context.merchantCode(try context.merchant(p.merchant))
            return try await context.store.programEnd(merchant: merchant)
        },
    ]
}
