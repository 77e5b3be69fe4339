import Foundation
import Logging
import LoyalgateProtocol
import ServiceLifecycle
import WalletPasses

/// The devices that hold a merchant's Apple Wallet passes (Apple's pass web service): which
/// device registered which pass, its push token, and when each pass last changed. Kept in
/// `STATE/wallet-registrations.json` (0600): it holds each pass's card token, which opens the
/// card's balances as the printed QR code does.
public final class PassRegistrations: @unchecked Sendable {
    struct Registration: Codable, Hashable {
        var device: String
        var passType: String
        var serial: String
        var pushToken: String
    }

    struct Pass: Codable {
        var token: String
        /// What the pass shows (balances), to notice a change.
        var fingerprint: String
        /// When it last changed, milliseconds since 1970: the update tag Apple passes back.
        var updated: Int64
    }

    struct Stored: Codable {
        var registrations: [Registration] = []
        var passes: [String: Pass] = [:]
    }

    let path: String?
    private let lock = NSLock()
    private var stored = Stored()

    /// `path` nil keeps them in memory (tests of parts).
    public init(path: String?) {
        self.path = path
        if let path, let data = FileManager.default.contents(atPath: path),
            let decoded = try? JSONDecoder().decode(Stored.self, from: data)
        {
            stored = decoded
        }
    }

    /// True when the device had not registered this pass before.
    func register(device: String, passType: String, serial: String, pushToken: String, token: String) -> Bool {
        lock.withLock {
            let entry = Registration(device: device, passType: passType, serial: serial, pushToken: pushToken)
            let key = passType + "/" + serial
            if stored.passes[key] == nil { stored.passes[key] = Pass(token: token, fingerprint: "", updated: 0) }
            stored.passes[key]?.token = token
            if let index = stored.registrations.firstIndex(where: {
                $0.device == device && $0.passType == passType && $0.serial == serial
            }) {
                stored.registrations[index] = entry
                save()
                return false
            }
            stored.registrations.append(entry)
            save()
            return true
        }
    }

    func unregister(device: String, passType: String, serial: String) {
        lock.withLock {
            stored.registrations.removeAll { $0.device == device && $0.passType == passType && $0.serial == serial }
            save()
        }
    }

    func serials(device: String, passType: String) -> [String] {
        lock.withLock {
            stored.registrations.filter { $0.device == device && $0.passType == passType }.map(\.serial)
        }
    }

    func pass(passType: String, serial: String) -> Pass? {
        lock.withLock { stored.passes[passType + "/" + serial] }
    }

    /// Records what the pass shows now; a different figure from last time is a change, dated
    /// now. Answers the pass's update time and whether it changed.
    @discardableResult
    func note(passType: String, serial: String, fingerprint: String, token: String?, now: Date = Date()) -> (
        updated: Int64, changed: Bool
    ) {
        lock.withLock {
            let key = passType + "/" + serial
            var pass = stored.passes[key] ?? Pass(token: token ?? "", fingerprint: "", updated: 0)
            if let token { pass.token = token }
            var changed = false
            if pass.fingerprint != fingerprint {
                // Strictly after the last tag, even within one millisecond.
                pass.updated = max(Int64(now.timeIntervalSince1970 * 1000), pass.updated + 1)
                pass.fingerprint = fingerprint
                changed = true
            }
            stored.passes[key] = pass
            if changed { save() }
            return (pass.updated, changed)
        }
    }

    func pushTokens(passType: String, serial: String) -> [String] {
        lock.withLock {
            stored.registrations.filter { $0.passType == passType && $0.serial == serial }.map(\.pushToken)
        }
    }

    /// Every registered pass: what the watcher checks for changes.
    func registered() -> [(passType: String, serial: String, token: String)] {
        lock.withLock {
            Set(stored.registrations.map { $0.passType + "/" + $0.serial }).sorted().compactMap { key in
                guard let pass = stored.passes[key], let slash = key.firstIndex(of: "/") else { return nil }
                return (String(key[..<slash]), String(key[key.index(after: slash)...]), pass.token)
            }
        }
    }

    /// Written whole to a temporary file (0600) and renamed: a crash never leaves half a file.
    private func save() {
        guard let path, let data = try? JSONEncoder().encode(stored) else { return }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { return }
        _ = rename(temporary, path)
    }
}

/// The product's push: APNs cannot be reached from where this was built and tested, so until a
/// shop configures one this logs which devices would be told (docs/cardholder.md).
public struct LoggedPush: PassPushing {
    let logger: Logger
    public init(logger: Logger) { self.logger = logger }
    public func push(passTypeIdentifier: String, pushTokens: [String]) async {
        logger.notice(
            "a wallet pass changed; APNs push not configured",
            metadata: ["passType": "\(passTypeIdentifier)", "devices": "\(pushTokens.count)"])
    }
}

extension WebApp {
    /// Looks at every registered pass's figures and tells its devices (through `push`) when they
    /// changed: Wallet then asks the web service for the updated pass. Called by `PassWatcher`.
    public func checkPasses() async {
        for pass in registrations.registered() {
            guard let view = try? await core.call(CoreOp.CardholderView.self, .init(token: pass.token)) else {
                continue
            }
            let noted = registrations.note(
                passType: pass.passType, serial: pass.serial, fingerprint: Self.fingerprint(view), token: nil)
            if noted.changed {
                await push.push(
                    passTypeIdentifier: pass.passType,
                    pushTokens: registrations.pushTokens(passType: pass.passType, serial: pass.serial))
            }
        }
    }

    /// The watcher of registered passes, every `interval`, for the command's ServiceGroup.
    public func passWatcher(every interval: Duration = .seconds(300)) -> PassWatcher {
        PassWatcher(app: self, interval: interval)
    }
}

/// Runs `WebApp.checkPasses` on a timer until the server stops.
public struct PassWatcher: Service {
    let app: WebApp
    let interval: Duration

    public func run() async throws {
        // A stop (SIGTERM) cancels the sleep; the watcher then ends without an error.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await app.checkPasses()
            }
        }
    }
}
