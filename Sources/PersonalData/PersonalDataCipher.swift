import Crypto
import Foundation

/// Seals and opens personal-data records, and makes the keyed hashes that let a till find a
/// customer by phone or email without either being stored in plaintext.
public struct PersonalDataCipher: Sendable {
    let key: PersonalDataKey

    public init(key: PersonalDataKey) {
        self.key = key
    }

    public enum CipherError: Error, CustomStringConvertible {
        case cannotOpen

        public var description: String {
            "A personal-data record cannot be decrypted: the key file does not belong to this database, or the record was altered."
        }
    }

    /// AES-GCM with a fresh nonce; `context` (merchant and record kind) is authenticated, so a
    /// sealed record copied to another merchant's row does not open.
    public func seal(_ plaintext: Data, context: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key.sealing, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw CipherError.cannotOpen }
        return combined
    }

    public func open(_ sealed: Data, context: String) throws -> Data {
        do {
            return try AES.GCM.open(
                AES.GCM.SealedBox(combined: sealed), using: key.sealing, authenticating: Data(context.utf8))
        } catch {
            throw CipherError.cannotOpen
        }
    }

    /// HMAC-SHA256 of the normalised value, bound to the merchant: the same phone number at
    /// two merchants gives two unrelated hashes, so hashes cannot link customers across shops.
    public func lookupHash(_ kind: LookupKind, _ value: String, merchant: Int64) -> Data? {
        guard let normalised = kind.normalise(value) else { return nil }
        let message = Data("\(kind.rawValue):\(merchant):\(normalised)".utf8)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: key.lookup))
    }

    /// An HMAC-SHA256 tag for a link the core hands out and later checks (a mail's unsubscribe
    /// link). Keyed like the look-up hashes; the `tag:` prefix keeps the two domains apart.
    public func tag(_ purpose: String, _ value: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("tag:\(purpose):\(value)".utf8), using: key.lookup))
    }

    public enum LookupKind: String, Sendable {
        case phone
        case email

        /// Phones compare by digits (a leading `+` kept, spaces, dots, dashes and brackets
        /// dropped); emails compare case-insensitively, trimmed.
        public func normalise(_ value: String) -> String? {
            switch self {
            case .phone:
                let trimmed = Self.trimmed(value)
                let digits = trimmed.filter(\.isNumber)
                guard digits.count >= 6, digits.count <= 15 else { return nil }
                return (trimmed.hasPrefix("+") ? "+" : "") + digits
            case .email:
                let trimmed = Self.trimmed(value).lowercased()
                guard trimmed.contains("@"), trimmed.count <= 254 else { return nil }
                return trimmed
            }
        }

        /// `value.trimmingCharacters(in: .whitespaces)` (tab and the Unicode space separators),
        /// scalar by scalar in Swift: the same result, without the bridge to NSString that made
        /// it a tenth of a bulk import's CPU. The hashes stored for existing customers depend on it.
        static func trimmed(_ value: String) -> String {
            let scalars = value.unicodeScalars
            func isSpace(_ scalar: Unicode.Scalar) -> Bool {
                scalar == "\t" || scalar == " "
                    || (scalar.value >= 0x80 && scalar.properties.generalCategory == .spaceSeparator)
            }
            guard let first = scalars.firstIndex(where: { !isSpace($0) }),
                let last = scalars.lastIndex(where: { !isSpace($0) })
            else { return "" }
            return String(scalars[first...last])
        }
    }
}
