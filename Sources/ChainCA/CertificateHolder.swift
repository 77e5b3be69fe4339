import Foundation
import LoyalgateProtocol
import SwiftASN1
import X509

/// Who a client certificate of the chain's CA speaks for, read from the certificate itself:
/// its subject's common name is the caller's name (`shop-12-till-1`), its organizational unit
/// the role (`till` or `back-office`), and a URI in its subject alternative names,
/// `urn:loyalgate:merchant:CODE`, binds it to one merchant. The CA signed all three, so a till
/// cannot change its role without a new certificate; docs/security.md explains why the
/// certificate, not access.json, is where the role lives.
public struct CertificateHolder: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var role: Role
    public var merchant: String?
    /// The certificate's serial number in lower-case hex (what `ca list` and `ca revoke` show).
    public var serial: String

    public init(name: String, role: Role, merchant: String?, serial: String) {
        self.name = name
        self.role = role
        self.merchant = merchant
        self.serial = serial
    }

    public var description: String {
        "\(name) (\(role.rawValue)\(merchant.map { ", merchant \($0)" } ?? ""), serial \(serial))"
    }

    static let merchantURIPrefix = "urn:loyalgate:merchant:"

    /// Reads the holder from a certificate; nil (with the reason) when it names no role.
    public static func of(_ certificate: Certificate) -> Result<CertificateHolder, CertificateRefusal> {
        let serial = ChainSerial.text(certificate.serialNumber)
        guard let name = certificate.subject.first(ofType: .RDNAttributeType.commonName) else {
            return .failure(CertificateRefusal("certificate \(serial) has no common name"))
        }
        guard let unit = certificate.subject.first(ofType: .RDNAttributeType.organizationalUnitName),
            let role = Role(rawValue: unit)
        else {
            return .failure(
                CertificateRefusal("certificate \(serial) (\(name)) names no role (till or back-office) in its OU"))
        }
        let merchants = ((try? certificate.extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap { name -> String? in
                guard case .uniformResourceIdentifier(let uri) = name, uri.hasPrefix(merchantURIPrefix) else {
                    return nil
                }
                return String(uri.dropFirst(merchantURIPrefix.count))
            }
        }
        return .success(CertificateHolder(name: name, role: role, merchant: merchants?.first, serial: serial))
    }
}

/// Why a client certificate was refused, as one sentence for the core's log.
public struct CertificateRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Serial numbers as `ca list` prints them and `ca revoke` and the revocation list take them.
public enum ChainSerial {
    public static func text(_ serial: Certificate.SerialNumber) -> String {
        serial.bytes.map { String(format: "%02x", $0) }.joined()
    }
}

extension DistinguishedName {
    /// The first attribute of `type` as text (a name the CA wrote as a UTF-8 or printable string).
    func first(ofType type: ASN1ObjectIdentifier) -> String? {
        for rdn in self {
            for attribute in rdn where attribute.type == type {
                return String(attribute.value)
            }
        }
        return nil
    }
}
