import Crypto
import Foundation
import LoyalgateProtocol
import LoyaltyDomain

/// The browser pages paired with this gateway, and the one-time codes that pair them
/// (docs/browser-bridge.md). A page gets nothing before it is paired: it exchanges a code shown
/// by `loyalgate gateway pair` (or printed on the receipt printer) for a token, which it sends
/// as its first message on every connection and never in a URL.
///
/// Only a token's SHA-256 is kept, in a 0600 file (`browser.pairingsFile`), so the file does
/// not let anyone in. Codes live in memory for ten minutes; ten wrong codes within ten minutes
/// void every open code (a page guessing codes gets nowhere: 10 guesses of 10^8).
public final class BrowserPairings: @unchecked Sendable {
    public struct Refusal: Error, CustomStringConvertible {
        public let code: String
        public let message: String
        public var description: String { message }
    }

    private struct Stored: Codable {
        var pairing: BrowserPairing
        var tokenSHA256: String
    }

    private struct PendingCode {
        var merchant: String?
        var name: String?
        var expires: Date
    }

    public static let codeLifetime: TimeInterval = 600
    static let wrongCodeLimit = 10

    private let path: String?
    private let lock = NSLock()
    private var stored: [Stored] = []
    private var codes: [String: PendingCode] = [:]
    private var wrongCodes: [Date] = []
    private var revokeActions: [String: [@Sendable () -> Void]] = [:]

    /// `path` nil: pairings are kept in memory only (lost when the gateway stops).
    public init(path: String?) throws {
        self.path = path
        guard let path, FileManager.default.fileExists(atPath: path) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("Cannot read the browser pairings file \(path).")
        }
        do {
            stored = try JSONDecoder().decode([Stored].self, from: data)
        } catch {
            throw ConfigurationError("\(path) is not a browser pairings file: \(error)")
        }
    }

    /// A new eight-digit code for a page that will act for `merchant`.
    public func newCode(merchant: String?, name: String?, now: Date = Date()) -> (code: String, expires: Date) {
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%08u", UInt32.random(in: 0..<100_000_000, using: &generator))
        let expires = now.addingTimeInterval(Self.codeLifetime)
        lock.withLock {
            codes = codes.filter { $0.value.expires > now }
            codes[code] = PendingCode(merchant: merchant, name: name, expires: expires)
        }
        return (code, expires)
    }

    /// Exchanges a code (spaces and dashes as printed are ignored) for a token bound to `origin`.
    public func pair(code typed: String, origin: String, name: String?, now: Date = Date()) throws -> (
        token: String, pairing: BrowserPairing
    ) {
        let code = typed.filter(\.isNumber)
        return try lock.withLock {
            wrongCodes = wrongCodes.filter { now.timeIntervalSince($0) < Self.codeLifetime }
            guard wrongCodes.count < Self.wrongCodeLimit else {
                codes = [:]
                throw Refusal(
                    code: "pairing-locked",
                    message: "Too many wrong pairing codes: ask for a new code in ten minutes (loyalgate gateway pair)."
                )
            }
            guard let pending = codes.removeValue(forKey: code), pending.expires > now else {
                wrongCodes.append(now)
                throw Refusal(
                    code: "pairing-code-invalid",
                    message: "This pairing code is wrong, used or expired: ask for a new one (loyalgate gateway pair).")
            }
            var bytes = [UInt8](repeating: 0, count: 32)
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
            let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let pairing = BrowserPairing(
                id: "p-" + Self.sha256(token).prefix(12), name: name ?? pending.name ?? "browser page", origin: origin,
                merchant: pending.merchant, pairedAt: Timestamp.format(now), lastSeenAt: nil)
            stored.append(Stored(pairing: pairing, tokenSHA256: Self.sha256(token)))
            try save()
            return (token, pairing)
        }
    }

    /// The pairing a token belongs to, when it is used from the origin it was paired from.
    public func authenticate(token: String, origin: String, now: Date = Date()) -> BrowserPairing? {
        let hash = Self.sha256(token)
        return lock.withLock {
            guard let index = stored.firstIndex(where: { $0.tokenSHA256 == hash && $0.pairing.origin == origin })
            else { return nil }
            stored[index].pairing.lastSeenAt = Timestamp.format(now)
            return stored[index].pairing
        }
    }

    public func list() -> [BrowserPairing] { lock.withLock { stored.map(\.pairing) } }

    /// Removes a pairing and closes its open connections; nil when there is none with that id.
    public func revoke(id: String) throws -> BrowserPairing? {
        let (removed, actions): (BrowserPairing?, [@Sendable () -> Void]) = try lock.withLock {
            guard let index = stored.firstIndex(where: { $0.pairing.id == id }) else { return (nil, []) }
            let removed = stored.remove(at: index).pairing
            try save()
            return (removed, revokeActions.removeValue(forKey: id) ?? [])
        }
        for action in actions { action() }
        return removed
    }

    /// Runs `action` when the pairing is revoked (the bridge closes the page's connection).
    public func onRevoke(id: String, _ action: @escaping @Sendable () -> Void) {
        lock.withLock { revokeActions[id, default: []].append(action) }
    }

    /// Written whole to a temporary file and renamed, mode 0600: a crash never leaves half a file.
    private func save() throws {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(stored)
        let temporary = path + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw Refusal(code: "internal-error", message: "Cannot write the browser pairings file \(path).") }
        guard rename(temporary, path) == 0 else {
            throw Refusal(code: "internal-error", message: "Cannot replace the browser pairings file \(path).")
        }
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
