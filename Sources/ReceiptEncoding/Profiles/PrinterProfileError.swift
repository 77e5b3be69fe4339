/// Why a printer profile could not be found or read.
public enum PrinterProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configured model id is not in the catalog; `known` lists the ids that are.
    case unknownModel(String, known: [String])
    /// The profile data is not valid JSON of the expected shape, or has impossible values.
    case invalidProfileData(String)
    /// The bundled `printer-profiles.json` was not found next to the program.
    case resourceMissing(String)

    public var description: String {
        switch self {
        case .unknownModel(let id, let known):
            "Unknown printer model \"\(id)\". Known models: \(known.joined(separator: ", "))."
        case .invalidProfileData(let why):
            "The printer profile data is invalid: \(why)"
        case .resourceMissing(let what):
            "The printer profile data is missing: \(what)"
        }
    }
}
