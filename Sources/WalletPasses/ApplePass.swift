import Crypto
import Foundation
import SwiftASN1
@_spi(CMS) import X509

/// A merchant's Apple Wallet signing identity: its Pass Type ID certificate and key (from
/// Apple's developer account) and Apple's WWDR intermediate, all PEM files.
public struct ApplePassSigner: Sendable {
    public let passTypeIdentifier: String
    public let teamIdentifier: String
    let certificate: Certificate
    let key: Certificate.PrivateKey
    let intermediate: Certificate

    public struct SignerError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(
        passTypeIdentifier: String, teamIdentifier: String, certificatePEM: String, keyPEM: String, wwdrPEM: String
    ) throws {
        self.passTypeIdentifier = passTypeIdentifier
        self.teamIdentifier = teamIdentifier
        do { certificate = try Certificate(pemEncoded: certificatePEM) } catch {
            throw SignerError(description: "The Pass Type ID certificate is not a PEM certificate: \(error).")
        }
        do { key = try Certificate.PrivateKey(pemEncoded: keyPEM) } catch {
            throw SignerError(description: "The Pass Type ID key is not a PEM private key: \(error).")
        }
        do { intermediate = try Certificate(pemEncoded: wwdrPEM) } catch {
            throw SignerError(description: "The WWDR intermediate is not a PEM certificate: \(error).")
        }
        guard key.publicKey == certificate.publicKey else {
            throw SignerError(description: "The Pass Type ID key does not belong to its certificate.")
        }
    }

    /// The `.pkpass`: `pass.json` and the images, `manifest.json` with each file's SHA-1 (hex),
    /// and `signature`, a detached CMS SignedData over the manifest with the signing time, the
    /// pass certificate and the WWDR intermediate (what Wallet checks).
    public func package(passJSON: [UInt8], images: [String: [UInt8]], at instant: Date = Date()) throws -> [UInt8] {
        var files: [(name: String, data: [UInt8])] = [("pass.json", passJSON)]
        for name in images.keys.sorted() { files.append((name, images[name] ?? [])) }
        var manifest: [String: String] = [:]
        for file in files {
            manifest[file.name] = Insecure.SHA1.hash(data: file.data).map { String(format: "%02x", $0) }.joined()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let manifestBytes = Array(try encoder.encode(manifest))
        let signature = try CMS.sign(
            manifestBytes, additionalIntermediateCertificates: [intermediate], certificate: certificate,
            privateKey: key, signingTime: instant, detached: true)
        files.append(("manifest.json", manifestBytes))
        files.append(("signature", signature))
        return StoredZip.archive(files)
    }
}

/// Where a pass's change is announced to the devices that hold it: Apple's push service
/// (APNs, HTTP/2 with the Pass Type ID certificate, an empty payload to each push token). It
/// cannot be reached from the build machine, so the web takes any implementation of this; the
/// product's default logs what it would send (docs/cardholder.md).
public protocol PassPushing: Sendable {
    func push(passTypeIdentifier: String, pushTokens: [String]) async
}
