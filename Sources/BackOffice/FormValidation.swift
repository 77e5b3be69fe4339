import Foundation
import LoyaltyDomain

/// A form's message beside one field: a catalog key and its placeholder values.
public struct FieldError: Sendable, Equatable {
    public var key: String
    public var values: [String: String]
    public init(_ key: String, _ values: [String: String] = [:]) {
        self.key = key
        self.values = values
    }
}

/// The customer form as posted: every field text, empty meaning absent. Validation gives a
/// message per field, so the page shows each one beside its field and nothing is sent to the
/// core until all are right (the core checks again: this is for the person at the form).
public struct CustomerForm: Sendable, Equatable {
    public var name = ""
    public var displayName = ""
    public var email = ""
    public var phone = ""
    public var address = ""
    public var postcode = ""
    public var birthDate = ""
    public var card = ""
    public var consentMail = false
    public var consentProfiling = false

    public init() {}

    public init(fields: [String: String]) {
        func text(_ key: String) -> String { fields[key]?.trimmingCharacters(in: .whitespaces) ?? "" }
        name = text("name")
        displayName = text("displayName")
        email = text("email")
        phone = text("phone")
        address = text("address")
        postcode = text("postcode")
        birthDate = text("birthDate")
        card = text("card").filter { !$0.isWhitespace }
        consentMail = fields["consentMail"] == "on"
        consentProfiling = fields["consentProfiling"] == "on"
    }

    public init(record details: CustomerDetails?, consents mail: Bool, _ profiling: Bool) {
        name = details?.name ?? ""
        displayName = details?.displayName ?? ""
        email = details?.email ?? ""
        phone = details?.phone ?? ""
        address = details?.address ?? ""
        postcode = details?.postcode ?? ""
        birthDate = details?.birthDate ?? ""
        consentMail = mail
        consentProfiling = profiling
    }

    /// The fields in the form's order, for templates.
    public var values: [String: String] {
        [
            "name": name, "displayName": displayName, "email": email, "phone": phone, "address": address,
            "postcode": postcode, "birthDate": birthDate, "card": card,
        ]
    }

    /// Messages by field name; empty when the form may be sent. `requireCard`: registering
    /// at the counter hands a card over; editing does not touch cards.
    public func problems(cardAllowed: Bool) -> [String: FieldError] {
        var problems: [String: FieldError] = [:]
        let limits: [(String, String, Int)] = [
            ("name", name, 200), ("displayName", displayName, 60), ("email", email, 254), ("phone", phone, 32),
            ("address", address, 300), ("postcode", postcode, 16), ("birthDate", birthDate, 10),
        ]
        for (field, value, maximum) in limits {
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems[field] = FieldError("field.control")
            } else if value.unicodeScalars.count > maximum {
                problems[field] = FieldError("field.tooLong", ["max": "\(maximum)"])
            }
        }
        if name.isEmpty { problems["name"] = FieldError("field.required") }
        if !email.isEmpty, problems["email"] == nil {
            let halves = email.split(separator: "@", omittingEmptySubsequences: false)
            if halves.count != 2 || halves[0].isEmpty || !halves[1].contains(".") || email.contains(" ") {
                problems["email"] = FieldError("field.email")
            }
        }
        if !phone.isEmpty, problems["phone"] == nil {
            let digits = phone.filter(\.isNumber).count
            let allowed = phone.allSatisfy { $0.isNumber || " +-()/.".contains($0) }
            if !(6...15).contains(digits) || !allowed { problems["phone"] = FieldError("field.phone") }
        }
        if !birthDate.isEmpty, problems["birthDate"] == nil {
            let details = CustomerDetails(name: "x", birthDate: birthDate)
            if (try? details.validate()) == nil { problems["birthDate"] = FieldError("field.date") }
        }
        if cardAllowed, !card.isEmpty, (try? CardNumber(card)) == nil {
            problems["card"] = FieldError("field.card")
        }
        return problems
    }

    public var details: CustomerDetails {
        func optional(_ value: String) -> String? { value.isEmpty ? nil : value }
        return CustomerDetails(
            name: name, displayName: optional(displayName), address: optional(address), postcode: optional(postcode),
            email: optional(email), phone: optional(phone), birthDate: optional(birthDate))
    }
}

/// The search box: a card number, a phone number or an e-mail address, told apart by shape.
public enum CustomerQuery: Sendable, Equatable {
    case card(String)
    case phone(String)
    case email(String)

    public init?(_ typed: String) {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.unicodeScalars.count <= 254 else { return nil }
        if text.contains("@") {
            self = .email(text)
            return
        }
        let compact = text.filter { !$0.isWhitespace }
        if let number = try? CardNumber(compact) {
            self = .card(number.digits)
            return
        }
        let digits = text.filter(\.isNumber).count
        guard (6...15).contains(digits), text.allSatisfy({ $0.isNumber || " +-()/.".contains($0) }) else { return nil }
        self = .phone(text)
    }
}
