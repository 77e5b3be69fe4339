import CardDesign
import Foundation
import WalletPasses

/// What the cardholder pages know of each merchant beyond the core: the card design (colours,
/// logo), the sites that may embed the widget, the wallet keys. One JSON file,
/// `STATE/cardholder.json` (or `--cardholder FILE`), read at start (docs/cardholder.md):
///
///     {"publicURL": "https://kaart.apotheekdelinde.nl",
///      "merchants": {"apotheek-de-linde": {"design": "/etc/loyalgate/linde-pharmacy.json",
///                                          "sites": ["https://www.apotheekdelinde.nl"]}}}
public struct CardholderSettings: Sendable {
    public struct Merchant: Sendable {
        /// The brand colour (the card front's background, or its first coloured text on a white card).
        public var colour: String
        /// The text colour on it: white or near-black, whichever reads.
        public var onColour: String
        public var logo: [UInt8]?
        /// Origins (`https://www.example.nl`) whose pages may frame the widget and read the balance JSON.
        public var sites: [String]
        /// The merchant's Apple Wallet identity; nil: no "Add to Apple Wallet" button.
        public var apple: ApplePassSigner?
        /// The merchant's Google Wallet identity; nil: no "Save to Google Wallet" button.
        public var google: GoogleWalletSigner?
    }

    /// The cardholder pages' own origin, for links printed on receipts and cards (`/c/TOKEN`).
    public var publicURL: String?
    public var merchants: [String: Merchant]

    public init(publicURL: String? = nil, merchants: [String: Merchant] = [:]) {
        self.publicURL = publicURL
        self.merchants = merchants
    }

    struct File: Decodable {
        struct Entry: Decodable {
            var design: String?
            var sites: [String]?
            var apple: Apple?
            var google: Google?
        }
        struct Apple: Decodable {
            var passTypeIdentifier: String
            var teamIdentifier: String
            var certificate: String
            var key: String
            var wwdr: String
        }
        struct Google: Decodable {
            var issuerID: String
            var classSuffix: String
            var serviceAccount: String
        }
        var publicURL: String?
        var merchants: [String: Entry]?
    }

    public struct SettingsError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the file; a design that cannot be read, or a site that is not an origin, is said
    /// with its merchant and stops the start (a widget silently framed nowhere helps nobody).
    public static func load(path: String) throws -> CardholderSettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError(description: "The cardholder settings \(path) cannot be read.")
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw SettingsError(description: "The cardholder settings \(path) are not valid JSON: \(error).")
        }
        var merchants: [String: Merchant] = [:]
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        for (code, entry) in file.merchants ?? [:] {
            var merchant = Merchant(
                colour: "#1f4e79", onColour: "#ffffff", logo: nil, sites: [], apple: nil, google: nil)
            for site in entry.sites ?? [] {
                guard let origin = origin(site) else {
                    throw SettingsError(
                        description:
                            "\(code): \"\(site)\" is not a site's origin: write it as https://www.example.nl (no path)."
                    )
                }
                merchant.sites.append(origin)
            }
            if let design = entry.design {
                let url = URL(fileURLWithPath: design, relativeTo: folder)
                guard let bytes = FileManager.default.contents(atPath: url.path),
                    let parsed = try? JSONDecoder().decode(CardDesign.self, from: bytes)
                else {
                    throw SettingsError(description: "\(code): the card design \(url.path) cannot be read.")
                }
                apply(parsed, folder: url.deletingLastPathComponent(), to: &merchant)
            }
            func read(_ file: String) throws -> Data {
                let url = URL(fileURLWithPath: file, relativeTo: folder)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw SettingsError(description: "\(code): \(url.path) cannot be read.")
                }
                return data
            }
            if let apple = entry.apple {
                do {
                    merchant.apple = try ApplePassSigner(
                        passTypeIdentifier: apple.passTypeIdentifier, teamIdentifier: apple.teamIdentifier,
                        certificatePEM: String(decoding: try read(apple.certificate), as: UTF8.self),
                        keyPEM: String(decoding: try read(apple.key), as: UTF8.self),
                        wwdrPEM: String(decoding: try read(apple.wwdr), as: UTF8.self))
                } catch let error as SettingsError { throw error } catch {
                    throw SettingsError(description: "\(code): Apple Wallet: \(error)")
                }
            }
            if let google = entry.google {
                do {
                    merchant.google = try GoogleWalletSigner(
                        issuerID: google.issuerID, classSuffix: google.classSuffix,
                        serviceAccountJSON: try read(google.serviceAccount))
                } catch let error as SettingsError { throw error } catch {
                    throw SettingsError(description: "\(code): Google Wallet: \(error)")
                }
            }
            merchants[code] = merchant
        }
        return CardholderSettings(publicURL: file.publicURL, merchants: merchants)
    }

    static func apply(_ design: CardDesign, folder: URL, to merchant: inout Merchant) {
        let style = HouseStyle(design: design, folder: folder)
        merchant.colour = style.colour
        merchant.onColour = style.onColour
        if merchant.logo == nil { merchant.logo = style.logo }
    }

    /// `https://host[:port]` from a site's address, lower-cased, without a path; nil otherwise.
    static func origin(_ site: String) -> String? {
        guard let url = URL(string: site), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host?.lowercased(), !host.isEmpty, url.path.isEmpty || url.path == "/", url.query == nil
        else { return nil }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }
}
