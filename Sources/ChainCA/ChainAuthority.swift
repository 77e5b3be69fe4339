import Crypto
import Foundation
import LoyalgateProtocol
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

/// A chain's own small certificate authority, as files in one folder (mode 0700):
///
///     ca.pem         the CA certificate every core and caller trusts
///     ca.key         its P-256 private key (0600): the folder's one secret
///     issued.json    every certificate issued (serial, name, role, merchant, hosts, end date)
///     revoked.json   the revocation list cores read (`RevocationList`)
///     issued/NAME/   what `ca issue` made for NAME: cert.pem, key.pem (0600) and ca.pem, to copy
///                    to the till, gateway or core as one folder (`--tls-dir`)
///
/// Keys are made and certificates signed here with swift-crypto and swift-certificates, no
/// OpenSSL command. docs/security.md, "Network callers and the chain's CA".
public struct ChainAuthority {
    public let folder: String
    public let certificate: Certificate
    let key: Certificate.PrivateKey

    public struct Issued: Codable, Sendable, Equatable {
        public var serial: String
        public var name: String
        /// `till`, `back-office`, or `core` for a server certificate.
        public var role: String
        public var merchant: String?
        public var hosts: [String]?
        public var notAfter: Date
    }

    struct Register: Codable {
        var name: String
        var issued: [Issued]
    }

    public static func initialize(folder: String, name: String, days: Int = 3650) throws -> ChainAuthority {
        guard !FileManager.default.fileExists(atPath: folder + "/ca.key") else {
            throw CertificateRefusal("\(folder) already holds a CA (ca.key); choose another --dir.")
        }
        try ChainFiles.makeFolder(folder)
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let subject = try DistinguishedName {
            OrganizationName(name)
            CommonName("\(name) loyalgate CA")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: privateKey.publicKey)
            },
            issuerPrivateKey: privateKey)
        try ChainFiles.write(ChainFiles.pem(key.pemRepresentation), to: folder + "/ca.key", mode: 0o600)
        try ChainFiles.write(
            ChainFiles.pem(try certificate.serializeAsPEM().pemString), to: folder + "/ca.pem", mode: 0o644)
        try RevocationList().save(path: folder + "/revoked.json")
        try ChainFiles.write(
            try ChainFiles.encoder.encode(Register(name: name, issued: [])), to: folder + "/issued.json", mode: 0o600)
        return try ChainAuthority(folder: folder)
    }

    public init(folder: String) throws {
        self.folder = folder
        guard let keyData = FileManager.default.contents(atPath: folder + "/ca.key"),
            let certificateData = FileManager.default.contents(atPath: folder + "/ca.pem")
        else {
            throw CertificateRefusal("\(folder) holds no CA (ca.key and ca.pem); run `loyalgate ca init` first.")
        }
        key = try Certificate.PrivateKey(pemEncoded: String(decoding: keyData, as: UTF8.self))
        certificate = try Certificate(pemEncoded: String(decoding: certificateData, as: UTF8.self))
    }

    func register() throws -> Register {
        guard let data = FileManager.default.contents(atPath: folder + "/issued.json") else {
            throw CertificateRefusal("\(folder)/issued.json cannot be read.")
        }
        return try ChainFiles.decoder.decode(Register.self, from: data)
    }

    public var chainName: String { (try? register().name) ?? "" }

    /// A caller's certificate (`role` till or back-office), or with `hosts` the core's own
    /// server certificate for those names or addresses. Writes issued/NAME/ and returns it.
    @discardableResult
    public func issue(
        name: String, role: Role?, merchant: String?, hosts: [String] = [], notBefore: Date? = nil,
        notAfter: Date
    ) throws -> (folder: String, issued: Issued) {
        guard !name.isEmpty, name.count <= 64,
            name.unicodeScalars.allSatisfy({
                CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
            }),
            !name.hasPrefix(".")
        else {
            throw CertificateRefusal(
                "The name \"\(name)\" must be 1 to 64 letters, digits, '-', '_' or '.' (it names a folder).")
        }
        var register = try register()
        let server = !hosts.isEmpty
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PrivateKey(key).publicKey
        let chain = register.name
        let subject = try DistinguishedName {
            OrganizationName(chain)
            OrganizationalUnitName(server ? "core" : (role ?? .till).rawValue)
            CommonName(name)
        }
        var alternativeNames: [GeneralName] = try hosts.map { host in
            if let address = ChainFiles.ipAddressBytes(host) {
                return .ipAddress(ASN1OctetString(contentBytes: address[...]))
            }
            guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) else {
                throw CertificateRefusal("\"\(host)\" is neither a host name nor an IP address.")
            }
            return .dnsName(host)
        }
        if let merchant {
            alternativeNames.append(.uniformResourceIdentifier(CertificateHolder.merchantURIPrefix + merchant))
        }
        let serial = Certificate.SerialNumber()
        let start = notBefore ?? Date().addingTimeInterval(-300)
        let certificate = try Certificate(
            version: .v3, serialNumber: serial, publicKey: publicKey,
            notValidBefore: start, notValidAfter: notAfter,
            issuer: self.certificate.subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([server ? .serverAuth : .clientAuth])
                AuthorityKeyIdentifier(
                    keyIdentifier: try? self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
            },
            issuerPrivateKey: self.key)
        let out = folder + "/issued/" + name
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CertificateRefusal(
                "\(out) exists: a certificate named \(name) was issued already; revoke it and choose a new name (shop-12-till-1b)."
            )
        }
        try ChainFiles.makeFolder(folder + "/issued")
        try ChainFiles.makeFolder(out)
        try ChainFiles.write(ChainFiles.pem(key.pemRepresentation), to: out + "/key.pem", mode: 0o600)
        try ChainFiles.write(
            ChainFiles.pem(try certificate.serializeAsPEM().pemString), to: out + "/cert.pem", mode: 0o644)
        try ChainFiles.write(
            ChainFiles.pem(try self.certificate.serializeAsPEM().pemString), to: out + "/ca.pem", mode: 0o644)
        let issued = Issued(
            serial: ChainSerial.text(serial), name: name, role: server ? "core" : (role ?? .till).rawValue,
            merchant: merchant, hosts: server ? hosts : nil, notAfter: notAfter)
        register.issued.append(issued)
        try ChainFiles.write(try ChainFiles.encoder.encode(register), to: folder + "/issued.json", mode: 0o600)
        return (out, issued)
    }

    /// Revokes by serial or by name (every certificate of that name); returns what was revoked.
    public func revoke(_ serialOrName: String, at date: Date = Date()) throws -> [Issued] {
        let issued = try register().issued.filter { $0.serial == serialOrName.lowercased() || $0.name == serialOrName }
        guard !issued.isEmpty else {
            throw CertificateRefusal("No certificate with serial or name \"\(serialOrName)\" was issued by this CA.")
        }
        var list = try RevocationList.load(path: folder + "/revoked.json")
        for certificate in issued where list.entry(serial: certificate.serial) == nil {
            list.revoked.append(.init(serial: certificate.serial, name: certificate.name, revokedAt: date))
        }
        try list.save(path: folder + "/revoked.json")
        return issued
    }

    /// Every certificate issued, with its revocation if any.
    public func list() throws -> [(issued: Issued, revoked: RevocationList.Entry?)] {
        let list = try RevocationList.load(path: folder + "/revoked.json")
        return try register().issued.map { ($0, list.entry(serial: $0.serial)) }
    }
}

/// The CA's files: written whole (a temporary file renamed over the old one, so a core reading
/// revoked.json never sees half of it) with the mode given, in folders only the owner opens.
public enum ChainFiles {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// A PEM file's bytes, ending in a newline, so that `cat old-ca.pem new-ca.pem > ca.pem`
    /// makes a bundle NIOSSL can read (two blocks run together on one line are refused).
    static func pem(_ text: String) -> Data { Data((text.hasSuffix("\n") ? text : text + "\n").utf8) }

    static func makeFolder(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(path, 0o700)
    }

    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else {
            throw CertificateRefusal("\(temporary) cannot be written: \(String(cString: strerror(errno))).")
        }
        fchmod(fd, mode)
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CertificateRefusal("\(path) cannot be written: \(String(cString: strerror(errno))).")
        }
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address; nil for a host name.
    public static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// A date as the log and `ca list` show it (UTC).
    public static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
