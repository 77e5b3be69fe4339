import Crypto
import Foundation
import LoyalgateProtocol
import LoyaltyDomain

/// The tokens of the cardholder's own page (docs/cardholder.md): the card they open, signed with
/// a key only the core holds, so the web (which holds no key) cannot make one and a token cannot
/// be edited to open another card.
///
/// A token is `PAYLOAD.MAC`, both base64url without padding: the payload is a version byte, the
/// issue and expiry times (seconds since 1970, 4 bytes each, big-endian), the 13 digits of the
/// card number and the merchant's code; the MAC is HMAC-SHA256 over the payload, its first 16
/// bytes (128 bits are beyond guessing; the QR code stays small). No name, no account number.
public struct CardholderTokens: Sendable {
    let key: SymmetricKey

    public struct Claims: Sendable, Equatable {
        public var merchant: String
        public var card: String
        public var issued: Date
        public var expires: Date
        public init(merchant: String, card: String, issued: Date, expires: Date) {
            self.merchant = merchant
            self.card = card
            self.issued = issued
            self.expires = expires
        }
    }

    init(master: SymmetricKey) {
        // A key of its own, derived, so the file could one day hold a master for several uses.
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("loyalgate cardholder token v1".utf8), outputByteCount: 32)
    }

    /// A key that lives as long as the process: for tests and the demo; tokens die with it.
    public static func ephemeral() -> CardholderTokens { CardholderTokens(master: SymmetricKey(size: .bits256)) }

    public enum KeyError: Error, CustomStringConvertible {
        case unreadable(String)
        case malformed(String)
        case insecurePermissions(String)

        public var description: String {
            switch self {
            case .unreadable(let path): "The cardholder token key \(path) cannot be read."
            case .malformed(let path): "The cardholder token key \(path) is not a 32-byte key in base64."
            case .insecurePermissions(let path): "The cardholder token key \(path) is readable by others: chmod 600 it."
            }
        }
    }

    /// Loads the key file (DATA/keys/cardholder-token.key), creating it (0600, folder 0700) the
    /// first time, as the personal-data key is made. Losing it ends every printed token, nothing else.
    public static func load(path: String) throws -> CardholderTokens {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            let folder = (path as NSString).deletingLastPathComponent
            try manager.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let text = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
            guard manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw KeyError.unreadable(path) }
        }
        var info = stat()
        guard stat(path, &info) == 0, let data = manager.contents(atPath: path) else { throw KeyError.unreadable(path) }
        guard info.st_mode & 0o077 == 0 else { throw KeyError.insecurePermissions(path) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), raw.count == 32 else { throw KeyError.malformed(path) }
        return CardholderTokens(master: SymmetricKey(data: raw))
    }

    static let version: UInt8 = 1
    static let macLength = 16

    public func mint(_ claims: Claims) -> String {
        var payload = Data([Self.version])
        for instant in [claims.issued, claims.expires] {
            let seconds = UInt32(clamping: Int64(instant.timeIntervalSince1970.rounded(.down)))
            payload.append(contentsOf: withUnsafeBytes(of: seconds.bigEndian, Array.init))
        }
        payload.append(contentsOf: Array(claims.card.utf8))
        payload.append(contentsOf: Array(claims.merchant.utf8))
        return Self.base64URL(payload) + "." + Self.base64URL(mac(payload))
    }

    private func mac(_ payload: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(Self.macLength)
    }

    /// The token's card, or the plain sentence a browser shows: a token that is not ours (or was
    /// altered) and one past its expiry are both refused, with nothing about any card.
    public func verify(_ token: String, at now: Date) throws(LoyaltyError) -> Claims {
        let forged = LoyaltyError(
            .forbidden,
            "This link is not a valid card link: scan the QR code on your receipt or card again, or ask the shop.")
        guard token.utf8.count <= 256 else { throw forged }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: parts[0]), let tag = Self.data(base64URL: parts[1]),
            tag.count == Self.macLength, payload.count > 1 + 8 + 13
        else { throw forged }
        // Compared in constant time: how long a refusal takes says nothing about a right prefix.
        let expected = mac(payload)
        var difference: UInt8 = 0
        for (a, b) in zip(expected, tag) { difference |= a ^ b }
        guard difference == 0, payload.first == Self.version else { throw forged }
        let bytes = Array(payload)
        func seconds(_ at: Int) -> Date {
            let value = bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return Date(timeIntervalSince1970: TimeInterval(value))
        }
        let card = String(decoding: bytes[9..<22], as: UTF8.self)
        let merchant = String(decoding: bytes[22...], as: UTF8.self)
        guard card.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !merchant.isEmpty else { throw forged }
        let claims = Claims(merchant: merchant, card: card, issued: seconds(1), expires: seconds(5))
        guard now < claims.expires else {
            throw LoyaltyError(
                .forbidden,
                "This card link expired on \(Self.day(claims.expires)): scan the QR code on your latest receipt for a new one."
            )
        }
        return claims
    }

    static func day(_ instant: Date) -> String { String(Timestamp.format(instant).prefix(10)) }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        guard text.utf8.allSatisfy({ $0 < 0x80 && ($0 == 0x2D || $0 == 0x5F || isalnum(Int32($0)) != 0) }) else {
            return nil
        }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }
}
