import Crypto
import Foundation

/// The secret that protects personal data at rest, kept in its own file apart from the
/// database: a stolen or copied database file reveals no name, address, email, phone or birth
/// date without it.
///
/// One 256-bit master key; two keys derived from it with HKDF, one to seal records
/// (AES-GCM) and one to make look-up hashes (HMAC-SHA256), so that neither use weakens the other.
public struct PersonalDataKey: Sendable {
    let sealing: SymmetricKey
    let lookup: SymmetricKey
    /// Stored in the database so that starting with the wrong key file fails loudly instead of
    /// silently making records unreadable.
    public let fingerprint: String

    public init(master: SymmetricKey) {
        sealing = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("loyalgate personal data sealing v1".utf8), outputByteCount: 32)
        lookup = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("loyalgate personal data lookup v1".utf8), outputByteCount: 32)
        let tag = HMAC<SHA256>.authenticationCode(for: Data("loyalgate key fingerprint".utf8), using: master)
        fingerprint = Data(tag).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public enum KeyError: Error, CustomStringConvertible {
        case unreadable(String)
        case malformed(String)
        case insecurePermissions(String)

        public var description: String {
            switch self {
            case .unreadable(let path): return "The personal-data key \(path) cannot be read."
            case .malformed(let path): return "The personal-data key \(path) is not a 32-byte key in base64."
            case .insecurePermissions(let path):
                return "The personal-data key \(path) is readable by others: chmod 600 it."
            }
        }
    }

    /// Loads the key file, creating it (mode 0600, folder 0700) when `create` is true and it
    /// does not exist yet.
    public static func load(path: String, create: Bool) throws -> PersonalDataKey {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard create else { throw KeyError.unreadable(path) }
            let folder = (path as NSString).deletingLastPathComponent
            try manager.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let key = SymmetricKey(size: .bits256)
            let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
            guard manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw KeyError.unreadable(path)
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, let data = manager.contents(atPath: path) else { throw KeyError.unreadable(path) }
        guard info.st_mode & 0o077 == 0 else { throw KeyError.insecurePermissions(path) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), raw.count == 32 else { throw KeyError.malformed(path) }
        return PersonalDataKey(master: SymmetricKey(data: raw))
    }
}
