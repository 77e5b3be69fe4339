import Foundation

/// The set of known printer models, read from JSON.
public struct ProfileCatalog: Sendable {
    public let profiles: [PrinterProfile]
    /// The credit line the data carries (CC BY 4.0 requires it to travel with the data).
    public let attribution: String

    private struct File: Decodable {
        let format: Int
        let attribution: String
        let profiles: [PrinterProfile]
    }

    /// Reads a catalog in the format of `Resources/printer-profiles.json`.
    public init(jsonData: Data) throws(PrinterProfileError) {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: jsonData)
        } catch {
            throw .invalidProfileData(String(describing: error))
        }
        guard file.format == 1 else {
            throw .invalidProfileData("format \(file.format) is not supported (expected 1)")
        }
        var seen = Set<String>()
        for profile in file.profiles {
            try profile.check()
            for id in [profile.id] + profile.aliases {
                guard seen.insert(id.lowercased()).inserted else {
                    throw .invalidProfileData("the id \"\(id)\" is used twice")
                }
            }
        }
        profiles = file.profiles
        attribution = file.attribution
    }

    /// Profile ids in catalog order (aliases are not listed).
    public var knownIDs: [String] { profiles.map(\.id) }

    /// The profile whose id or alias is `id`, ignoring case and surrounding spaces.
    public func profile(_ id: String) throws(PrinterProfileError) -> PrinterProfile {
        let wanted = id.trimmingCharacters(in: .whitespaces).lowercased()
        let match = profiles.first { profile in
            profile.id.lowercased() == wanted || profile.aliases.contains { $0.lowercased() == wanted }
        }
        guard let match else { throw .unknownModel(id, known: knownIDs) }
        return match
    }

    /// The catalog shipped in the module's resources, read once per process.
    public static func bundled() throws(PrinterProfileError) -> ProfileCatalog {
        try bundledResult.get()
    }

    /// The raw bundled JSON, for a site that wants to start its own catalog from it.
    /// It is compiled into the program (`BundledProfiles`), so an installed binary needs no
    /// resource bundle beside it; `Resources/printer-profiles.json` is the source it is made from.
    public static func bundledJSONData() throws(PrinterProfileError) -> Data {
        Data(BundledProfiles.json.utf8)
    }

    // A `static let` is initialised once, thread-safely, on first use: no lock needed.
    private static let bundledResult = Result { () throws(PrinterProfileError) in
        try ProfileCatalog(jsonData: bundledJSONData())
    }
}
