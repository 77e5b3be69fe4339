import Foundation

/// The languages the back office speaks. English and Dutch are complete (a test checks every
/// English key has a Dutch text); another language is one file in this folder with its
/// `entries` and one case here. A key a language lacks falls back to English, so a partial
/// translation never shows a blank.
public enum Language: String, Sendable, CaseIterable {
    case english = "en"
    case dutch = "nl"
    case german = "de"
    case norwegian = "nb"
    case bulgarian = "bg"

    public var entries: [String: String] {
        switch self {
        case .english: EnglishText.entries
        case .dutch: DutchText.entries
        case .german: GermanText.entries
        case .norwegian: NorwegianText.entries
        case .bulgarian: BulgarianText.entries
        }
    }

    /// The first language of an Accept-Language header this catalog has, else English.
    public static func preferred(acceptLanguage: String?) -> Language {
        guard let acceptLanguage else { return .english }
        for part in acceptLanguage.split(separator: ",") {
            let tag = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            let primary = String(tag.split(separator: "-").first ?? "")
            if let language = Language(rawValue: primary) { return language }
            if primary == "no" || primary == "nn" { return .norwegian }
        }
        return .english
    }
}

/// All UI text: pages ask for a key, never hold a sentence themselves.
public struct Catalog: Sendable {
    public let language: Language
    private let entries: [String: String]

    public init(_ language: Language) {
        self.language = language
        self.entries = EnglishText.entries.merging(language.entries) { _, translated in translated }
    }

    /// The text for `key`, with `{name}` placeholders filled from `values`. An unknown key shows
    /// itself, so a missing text is visible in review rather than an empty label.
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = entries[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// Every key, for the templates: `{{t.login.title}}`.
    public var all: [String: String] { entries }
}
