import Foundation

/// A customer's personal data, as registered on the form. The core never stores it in
/// plaintext: the store seals it whole, and only keyed hashes of phone and email are searchable.
public struct CustomerDetails: Sendable, Hashable, Codable {
    public var name: String
    /// What a till shows; by default the first name and the initial of the last.
    public var displayName: String?
    public var address: String?
    public var postcode: String?
    public var email: String?
    public var phone: String?
    /// `YYYY-MM-DD`.
    public var birthDate: String?
    public var gender: String?

    public init(
        name: String, displayName: String? = nil, address: String? = nil, postcode: String? = nil,
        email: String? = nil, phone: String? = nil, birthDate: String? = nil, gender: String? = nil
    ) {
        self.name = name
        self.displayName = displayName
        self.address = address
        self.postcode = postcode
        self.email = email
        self.phone = phone
        self.birthDate = birthDate
        self.gender = gender
    }

    /// "Anna Kovacheva" → "Anna K."
    public var shownName: String {
        if let displayName, !displayName.isEmpty { return displayName }
        let words = name.split(separator: " ")
        guard words.count > 1, let first = words.first, let initial = words.last?.first else { return name }
        return "\(first) \(initial)."
    }

    /// Lengths count Unicode scalars, not characters: one visible character may carry
    /// thousands of combining marks. Control characters (NUL, escape sequences) would reach a
    /// till's display and every export, so they are refused in every field.
    public func validate() throws(RuleViolation) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.unicodeScalars.count <= 200 else {
            throw RuleViolation(.invalidInput, "A customer needs a name of at most 200 characters.")
        }
        for (field, value) in [
            ("name", name), ("address", address), ("postcode", postcode), ("gender", gender),
            ("displayName", displayName), ("email", email), ("phone", phone), ("birthDate", birthDate),
        ] {
            guard let value else { continue }
            if value.unicodeScalars.count > 300 {
                throw RuleViolation(.invalidInput, "\(field) is longer than 300 characters.")
            }
            // The control category (Cc) is exactly U+0000-U+001F and U+007F-U+009F (a stable
            // Unicode property); the ranges cost a bulk import far less than the property look-up.
            if value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                throw RuleViolation(.invalidInput, "\(field) holds a control character.")
            }
        }
        if let email, !(email.contains("@") && email.count <= 254) {
            throw RuleViolation(.invalidInput, "\"\(email.prefix(64))\" is not an email address.")
        }
        if let phone, !(6...15).contains(phone.filter(\.isNumber).count) {
            throw RuleViolation(.invalidInput, "\"\(phone.prefix(32))\" is not a phone number.")
        }
        if let birthDate {
            let parts = birthDate.split(separator: "-")
            guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
                let day = Int(parts[2]), (1...12).contains(month),
                (1...Timestamp.daysIn(month: month, year: year)).contains(day)
            else {
                throw RuleViolation(
                    .invalidInput, "birthDate \"\(birthDate.prefix(32))\" is not a date like 1980-04-30.")
            }
        }
    }
}

/// A change to a customer's details: the fields present replace the stored ones.
public struct CustomerPatch: Sendable, Hashable, Codable {
    public var name: String?
    public var displayName: String?
    public var address: String?
    public var postcode: String?
    public var email: String?
    public var phone: String?
    public var birthDate: String?
    public var gender: String?

    public init(
        name: String? = nil, displayName: String? = nil, address: String? = nil, postcode: String? = nil,
        email: String? = nil, phone: String? = nil, birthDate: String? = nil, gender: String? = nil
    ) {
        self.name = name
        self.displayName = displayName
        self.address = address
        self.postcode = postcode
        self.email = email
        self.phone = phone
        self.birthDate = birthDate
        self.gender = gender
    }

    public func applied(to details: CustomerDetails) -> CustomerDetails {
        var result = details
        if let name { result.name = name }
        if let displayName { result.displayName = displayName }
        if let address { result.address = address }
        if let postcode { result.postcode = postcode }
        if let email { result.email = email }
        if let phone { result.phone = phone }
        if let birthDate { result.birthDate = birthDate }
        if let gender { result.gender = gender }
        return result
    }
}
