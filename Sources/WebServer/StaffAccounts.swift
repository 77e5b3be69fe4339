import BackOffice
import Foundation
import HummingbirdBcrypt

/// One member of staff: a role and the merchants it acts for (one shop, or a chain's shops).
public struct StaffAccount: Sendable, Codable, Equatable {
    public var name: String
    public var role: StaffRole
    public var merchants: [String]
    /// bcrypt (cost 12); never the password.
    public var passwordHash: String

    public init(name: String, role: StaffRole, merchants: [String], passwordHash: String) {
        self.name = name
        self.role = role
        self.merchants = merchants
        self.passwordHash = passwordHash
    }
}

public struct StaffAccountError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The staff accounts: one JSON file, `staff.json` in the web's state folder, mode 0600 (only
/// the web's own user reads it). They live with the web and not in the core because they are
/// the web's business: the core knows callers by Unix uid, and the web is one such caller.
/// The file holds bcrypt hashes only; the core's ledger and personal-data key are elsewhere.
public final class StaffAccounts: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var accounts: [String: StaffAccount]
    private var loadedModification: Date?

    private struct File: Codable { var accounts: [StaffAccount] }

    /// Opens the file in `folder` (created 0700 when missing); no file yet means no accounts.
    public init(folder: String) throws {
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        path = (folder as NSString).appendingPathComponent("staff.json")
        accounts = [:]
        try load()
    }

    private func load() throws {
        loadedModification = Self.modification(path)
        guard let data = FileManager.default.contents(atPath: path) else { return }
        do {
            let file = try JSONDecoder().decode(File.self, from: data)
            accounts = Dictionary(file.accounts.map { ($0.name, $0) }) { first, _ in first }
        } catch {
            throw StaffAccountError("The staff file \(path) is not valid: \(error)")
        }
    }

    private static func modification(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Reads the file again when `loyalgate web user …` changed it, so a removed user or a new
    /// password takes effect in a running server. A file broken meanwhile keeps the last good
    /// accounts (and says so in the log of the caller).
    public func refresh() throws {
        try lock.withLock {
            guard Self.modification(path) != loadedModification else { return }
            try load()
        }
    }

    public var all: [StaffAccount] { lock.withLock { accounts.values.sorted { $0.name < $1.name } } }

    public func account(named name: String) -> StaffAccount? { lock.withLock { accounts[name] } }

    /// A user name is what staff type at the sign-in: letters, digits, dot, dash, underscore.
    public static func checkName(_ name: String) throws {
        guard (1...64).contains(name.count),
            name.allSatisfy({ ($0.isLetter || $0.isNumber || "._-".contains($0)) && $0.isASCII })
        else {
            throw StaffAccountError(
                "A user name has 1 to 64 letters, digits, dots, dashes or underscores (\"\(name.prefix(64))\" has not)."
            )
        }
    }

    public static func checkPassword(_ password: String) throws {
        guard password.count >= 10 else { throw StaffAccountError("A password needs at least 10 characters.") }
        // bcrypt reads only the first 72 bytes: a longer password would be silently cut.
        guard password.utf8.count <= 72 else { throw StaffAccountError("A password has at most 72 bytes.") }
    }

    public func add(name: String, role: StaffRole, merchants: [String], password: String) throws {
        try Self.checkName(name)
        try Self.checkPassword(password)
        guard !merchants.isEmpty else {
            throw StaffAccountError("Name the merchant (or the chain's merchants) \(name) works for.")
        }
        let hash = Bcrypt.hash(password, cost: 12)
        try lock.withLock {
            guard accounts[name] == nil else { throw StaffAccountError("There is already a user \(name).") }
            accounts[name] = StaffAccount(name: name, role: role, merchants: merchants, passwordHash: hash)
            try save()
        }
    }

    public func remove(name: String) throws {
        try lock.withLock {
            guard accounts.removeValue(forKey: name) != nil else {
                throw StaffAccountError("There is no user \(name).")
            }
            try save()
        }
    }

    public func setPassword(name: String, password: String) throws {
        try Self.checkPassword(password)
        let hash = Bcrypt.hash(password, cost: 12)
        try lock.withLock {
            guard accounts[name] != nil else { throw StaffAccountError("There is no user \(name).") }
            accounts[name]?.passwordHash = hash
            try save()
        }
    }

    /// The account when the password is right. An unknown name costs the same bcrypt work as a
    /// known one, so the time of the answer does not tell which names exist.
    public func verify(name: String, password: String) -> StaffAccount? {
        let account = self.account(named: name)
        let hash = account?.passwordHash ?? Self.decoyHash
        guard Bcrypt.verify(password, hash: hash), let account else { return nil }
        return account
    }

    private static let decoyHash = Bcrypt.hash("not a password of anyone", cost: 12)

    /// Written to a temporary file 0600 and renamed over the old one: a crash leaves one or
    /// the other, never half a file.
    private func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(File(accounts: accounts.values.sorted { $0.name < $1.name }))
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw StaffAccountError("Cannot write \(temporary).") }
        if rename(temporary, path) != 0 { throw StaffAccountError("Cannot replace \(path).") }
    }
}
