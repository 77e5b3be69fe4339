import Foundation
import Testing

/// The packaged layout keeps the ledger private and gives the daemons room for their
/// connections: what the systemd units say, checked line by line.
@Suite struct PackagingTests {
    static let units = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("packaging/systemd")

    static func settings(_ unit: String) throws -> [String] {
        try String(contentsOf: units.appendingPathComponent(unit), encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    @Test func theCoresStateFolderIsPrivateAndItsFilesAreItsOwn() throws {
        let core = try Self.settings("loyalgate-core.service")
        #expect(core.contains("StateDirectoryMode=0700"))
        #expect(core.contains("UMask=0077"))
        #expect(!core.contains { $0.hasPrefix("UMask=") && $0 != "UMask=0077" })
    }

    @Test(arguments: ["loyalgate-core.service", "loyalgate-gateway.service"])
    func eachUnitSetsItsOpenFileLimitAndAPrivateUmask(unit: String) throws {
        let lines = try Self.settings(unit)
        let limit = lines.first { $0.hasPrefix("LimitNOFILE=") }.flatMap { Int($0.dropFirst("LimitNOFILE=".count)) }
        #expect((limit ?? 0) >= 4096, "\(unit) sets no LimitNOFILE above the default 1024")
        #expect(lines.contains("UMask=0077"))
    }

    /// The package's tmpfiles snippet makes the folders the units declare, with the same modes,
    /// so set-up commands run before the first start find them as the services will.
    @Test func theTmpfilesSnippetMakesTheUnitsFoldersWithTheirModes() throws {
        let lines = try Self.settings("loyalgate.tmpfiles.conf").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(lines.contains(["d", "/var/lib/loyalgate", "0700", "loyalgate", "loyalgate", "-"]))
        #expect(lines.contains(["d", "/run/loyalgate", "0750", "loyalgate", "loyalgate", "-"]))
        let core = try Self.settings("loyalgate-core.service")
        #expect(core.contains("StateDirectory=loyalgate") && core.contains("StateDirectoryMode=0700"))
        #expect(core.contains("RuntimeDirectory=loyalgate") && core.contains("RuntimeDirectoryMode=0750"))
    }
}
