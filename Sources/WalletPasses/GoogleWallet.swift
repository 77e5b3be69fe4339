import Crypto
import Foundation
import _CryptoExtras

/// A merchant's Google Wallet identity: its issuer id and a service account's key (the JSON
/// file Google's console gives: `client_email`, `private_key`).
public struct GoogleWalletSigner: Sendable {
    public let issuerID: String
    public let classSuffix: String
    let email: String
    let key: _RSA.Signing.PrivateKey

    public struct SignerError: Error, CustomStringConvertible {
        public let description: String
    }

    struct ServiceAccount: Decodable {
        var client_email: String
        var private_key: String
    }

    public init(issuerID: String, classSuffix: String, serviceAccountJSON: Data) throws {
        guard let account = try? JSONDecoder().decode(ServiceAccount.self, from: serviceAccountJSON) else {
            throw SignerError(description: "The service account file has no client_email and private_key.")
        }
        do { key = try _RSA.Signing.PrivateKey(pemRepresentation: account.private_key) } catch {
            throw SignerError(description: "The service account's private_key is not an RSA key: \(error).")
        }
        self.issuerID = issuerID
        self.classSuffix = classSuffix
        email = account.client_email
    }

    /// A "Save to Google Wallet" JWT (RS256) carrying one loyalty object, for
    /// `https://pay.google.com/gp/v/save/JWT`.
    public func saveJWT(object: [String: Any], origins: [String], at instant: Date = Date()) throws -> String {
        let header: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        let claims: [String: Any] = [
            "iss": email, "aud": "google", "typ": "savetowallet", "iat": Int(instant.timeIntervalSince1970),
            "origins": origins, "payload": ["loyaltyObjects": [object]],
        ]
        let signingInput =
            Self.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) + "."
            + Self.base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        // RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 3.3), which swift-crypto names "insecure".
        let signature = try key.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
