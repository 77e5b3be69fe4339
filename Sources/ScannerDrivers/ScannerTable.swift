import Foundation

/// The gateway's reading of `udev/60-loyalgate-scanners.hwdb`: which USB IDs are scanners.
///
/// On an installed system udev imports the same file's properties (`LOYALGATE_SCANNER=1` ...)
/// into the device, and those win. The gateway still reads the file itself so that scanners are
/// recognised where the hwdb is not compiled in or no udevd runs (containers, a developer
/// machine, umockdev test beds): one table, two readers, no list of IDs in code.
public struct ScannerTable: Sendable {
    public struct Record: Sendable, Equatable {
        /// Match patterns such as `usb:v0C2Ep0B81*` (hwdb globs: `*`, `?`, `[...]`).
        public var patterns: [String]
        public var properties: [String: String]
    }

    public private(set) var records: [Record] = []
    /// Files the table was read from, for doctor.
    public private(set) var sources: [String] = []

    public init() {}

    /// Parses hwdb text (hwdb(7)): a record is match lines starting in column 1 followed by
    /// property lines starting with a space; a blank line ends it; `#` starts a comment.
    public init(text: String, source: String = "(text)") {
        append(text: text, source: source)
    }

    public mutating func append(text: String, source: String) {
        sources.append(source)
        var patterns: [String] = []
        var properties: [String: String] = [:]
        func finish() {
            if !patterns.isEmpty, !properties.isEmpty {
                records.append(Record(patterns: patterns, properties: properties))
            }
            patterns = []
            properties = [:]
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("#") { continue }
            if line.allSatisfy(\.isWhitespace) {
                finish()
                continue
            }
            if line.first == " " {
                let property = line.drop(while: { $0 == " " })
                guard let equals = property.firstIndex(of: "=") else { continue }
                properties[String(property[..<equals])] = String(property[property.index(after: equals)...])
            } else {
                if !properties.isEmpty { finish() }
                patterns.append(String(line))
            }
        }
        finish()
    }

    /// Loads every readable file of `paths`, in order (later files win, as in hwdb(7)).
    public static func load(paths: [String]) -> ScannerTable {
        var table = ScannerTable()
        for path in paths {
            if let data = FileManager.default.contents(atPath: path) {
                table.append(text: String(decoding: data, as: UTF8.self), source: path)
            }
        }
        return table
    }

    /// The merged properties for a USB device: every record that matches, later ones winning.
    public func properties(vendorID: UInt16, productID: UInt16) -> [String: String] {
        let key = String(format: "usb:v%04Xp%04X", vendorID, productID)
        var merged: [String: String] = [:]
        for record in records where record.patterns.contains(where: { Self.glob($0, matches: key) }) {
            merged.merge(record.properties) { _, new in new }
        }
        return merged
    }

    /// fnmatch-style matching with `*`, `?` and `[...]`, which is what hwdb patterns use.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }

    /// Where the shipped file is looked for when the configuration names none: the installed
    /// locations, then the source tree next to the binary (developer runs, tests, demo).
    public static func defaultPaths(executable: String = CommandLine.arguments.first ?? "") -> [String] {
        var paths = ["/usr/lib/udev/hwdb.d/60-loyalgate-scanners.hwdb", "/etc/udev/hwdb.d/60-loyalgate-scanners.hwdb"]
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("udev/60-loyalgate-scanners.hwdb").path
            if FileManager.default.fileExists(atPath: candidate) {
                paths.append(candidate)
                break
            }
            directory.deleteLastPathComponent()
        }
        // Site files sort after the shipped one and override it.
        if let site = try? FileManager.default.contentsOfDirectory(atPath: "/etc/udev/hwdb.d") {
            paths += site.filter {
                $0.hasPrefix("6") && $0.hasSuffix(".hwdb") && $0.contains("loyalgate")
                    && $0 != "60-loyalgate-scanners.hwdb"
            }
            .sorted().map { "/etc/udev/hwdb.d/" + $0 }
        }
        return paths
    }
}
