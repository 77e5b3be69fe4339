import Foundation
import SwiftASN1
import X509

/// The serial numbers the chain's CA has revoked: `revoked.json` in the CA folder, written by
/// `loyalgate ca revoke` and copied to each core (`--tls-revoked`). A plain JSON file, not an
/// X.509 CRL: swift-certificates builds certificates but not CRLs, and a core reads the file
/// from its own disk, where whoever could forge it could as well replace the CA certificate it
/// trusts (docs/security.md, "Revocation").
public struct RevocationList: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var serial: String
        public var name: String
        public var revokedAt: Date

        public init(serial: String, name: String, revokedAt: Date) {
            self.serial = serial
            self.name = name
            self.revokedAt = revokedAt
        }
    }

    public var revoked: [Entry]

    public init(revoked: [Entry] = []) { self.revoked = revoked }

    public func entry(serial: String) -> Entry? { revoked.first { $0.serial == serial.lowercased() } }

    public static func load(path: String) throws -> RevocationList {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertificateRefusal("the revocation list \(path) cannot be read")
        }
        do {
            return try ChainFiles.decoder.decode(RevocationList.self, from: data)
        } catch {
            throw CertificateRefusal("the revocation list \(path) is not valid: \(error)")
        }
    }

    public func save(path: String) throws {
        try ChainFiles.write(try ChainFiles.encoder.encode(self), to: path, mode: 0o644)
    }
}

/// The core's check of a client certificate, run by the TLS listener on every new connection
/// in place of BoringSSL's own: issued by the chain's CA (its signature checks), within its
/// dates, meant for clients, naming a role, and not revoked. Each refusal is one sentence for
/// the log, so the technician sees why a till was turned away ("expired on ...", "revoked on
/// ...", "not issued by this chain's CA").
///
/// The revocation list is re-read whenever its file changes (size, time or inode), checked on
/// each connection; a list that was configured but can no longer be read refuses everyone, as
/// the core cannot tell a revoked certificate from a good one.
public final class ClientCertificateCheck: @unchecked Sendable {
    /// The CA certificates trusted: one, or during a CA change the old and the new.
    public let authorities: [Certificate]
    public let revocationPath: String?
    private let lock = NSLock()
    private var revocations = RevocationList()
    private var revocationStamp: FileStamp?
    private var revocationProblem: String?

    public init(authorities: [Certificate], revocationPath: String?) throws {
        self.authorities = authorities
        self.revocationPath = revocationPath
        if let revocationPath {
            // Read once at start: a core configured with a list it cannot read does not start.
            revocations = try RevocationList.load(path: revocationPath)
            revocationStamp = FileStamp(path: revocationPath)
        }
    }

    /// The holder of the presented chain (leaf first, DER), or why it is refused.
    public func check(chain: [[UInt8]], now: Date = Date()) -> Result<CertificateHolder, CertificateRefusal> {
        guard let leafBytes = chain.first else { return .failure(CertificateRefusal("no client certificate")) }
        let leaf: Certificate
        do { leaf = try Certificate(derEncoded: leafBytes) } catch {
            return .failure(CertificateRefusal("the client certificate cannot be read: \(error)"))
        }
        let serial = ChainSerial.text(leaf.serialNumber)
        let subject = "certificate \(serial) (\(leaf.subject))"
        guard
            authorities.contains(where: {
                leaf.issuer == $0.subject && $0.publicKey.isValidSignature(leaf.signature, for: leaf)
            })
        else {
            return .failure(CertificateRefusal("\(subject) was not issued by this chain's CA (issuer \(leaf.issuer))"))
        }
        if now < leaf.notValidBefore {
            return .failure(CertificateRefusal("\(subject) is not valid before \(ChainFiles.day(leaf.notValidBefore))"))
        }
        if now > leaf.notValidAfter {
            return .failure(CertificateRefusal("\(subject) expired on \(ChainFiles.day(leaf.notValidAfter))"))
        }
        let usages = (try? leaf.extensions.extendedKeyUsage) ?? nil
        guard usages?.contains(.clientAuth) == true else {
            return .failure(CertificateRefusal("\(subject) is not a client certificate"))
        }
        switch currentRevocations() {
        case .failure(let problem): return .failure(problem)
        case .success(let list):
            if let entry = list.entry(serial: serial) {
                return .failure(
                    CertificateRefusal("\(subject) was revoked on \(ChainFiles.day(entry.revokedAt))"))
            }
        }
        return CertificateHolder.of(leaf)
    }

    private func currentRevocations() -> Result<RevocationList, CertificateRefusal> {
        guard let revocationPath else { return .success(RevocationList()) }
        lock.lock()
        defer { lock.unlock() }
        let stamp = FileStamp(path: revocationPath)
        if stamp != revocationStamp || revocationProblem != nil {
            do {
                revocations = try RevocationList.load(path: revocationPath)
                revocationStamp = stamp
                revocationProblem = nil
            } catch {
                revocationProblem = "\(error); every client is refused until it is readable again"
            }
        }
        if let revocationProblem { return .failure(CertificateRefusal(revocationProblem)) }
        return .success(revocations)
    }
}

/// What tells a changed file from the one read before, without reading it.
struct FileStamp: Equatable {
    var inode: Int
    var size: Int
    var modified: Date

    init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue,
            let size = (attributes[.size] as? NSNumber)?.intValue,
            let modified = attributes[.modificationDate] as? Date
        else { return nil }
        self.inode = inode
        self.size = size
        self.modified = modified
    }
}
