import Foundation
import Testing

/// The README's module table names exactly the modules Package.swift declares, so a newcomer's
/// map of the code is never out of date.
@Suite struct ModuleTableTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func matches(_ pattern: String, in text: String) throws -> Set<String> {
        let regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return Set(
            regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
                Range(match.range(at: 1), in: text).map { String(text[$0]) }
            })
    }

    @Test func readmeListsEveryModuleOfThePackage() throws {
        let package = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        // Library and executable targets; the system-library shims (`.systemLibrary`) only name a
        // C library's headers and are listed in Package.swift alone.
        let declared = try Self.matches(#"\.(?:target|executableTarget)\(\s*name:\s*"([A-Za-z0-9-]+)""#, in: package)
        let listed = try Self.matches(#"^\| `([A-Za-z0-9-]+)` \|"#, in: readme)
        #expect(
            declared.subtracting(listed).isEmpty,
            "missing from the README's table: \(declared.subtracting(listed).sorted())")
        #expect(
            listed.subtracting(declared).isEmpty,
            "in the README but not in Package.swift: \(listed.subtracting(declared).sorted())")
    }
}
