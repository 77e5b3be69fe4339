import Foundation
import LoyalgateProtocol
import Testing

/// The docs list exactly the ops and events the contract's types declare: a new op without a
/// line in the docs fails here, and so does a line for an op that no longer exists.
@Suite struct DocumentedOpsTests {
    static let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs")

    /// The backticked names in the first column of the table under `## heading`.
    static func firstColumn(of heading: String, in file: String) throws -> [String] {
        let text = try String(contentsOf: docs.appendingPathComponent(file), encoding: .utf8)
        var names: [String] = []
        var inSection = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { inSection = line == "## \(heading)" }
            guard inSection, line.hasPrefix("| `") else { continue }
            let cell = line.dropFirst(3)
            guard let end = cell.firstIndex(of: "`") else { continue }
            names.append(String(cell[..<end]))
        }
        return names
    }

    @Test func protocolDocListsEveryCoreOpOnce() throws {
        let documented = try Self.firstColumn(of: "Op index", in: "protocol.md")
        #expect(documented.count == Set(documented).count, "an op is listed twice")
        #expect(Set(documented) == Set(CoreOp.all.map { $0.name }))
    }

    @Test func protocolDocGivesEachOpItsRole() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("protocol.md"), encoding: .utf8)
        for op in CoreOp.all {
            #expect(
                text.contains("| `\(op.name)` | \(op.role.rawValue) |"),
                "\(op.name) is not listed as \(op.role.rawValue)")
        }
    }

    @Test func gatewayDocListsEveryGatewayOpAndEventOnce() throws {
        let ops = try Self.firstColumn(of: "Ops on the gateway socket", in: "gateway.md")
        #expect(ops.count == Set(ops).count)
        #expect(Set(ops) == Set(GatewayOp.all.map { $0.name }))
        let events = try Self.firstColumn(of: "Events", in: "gateway.md")
        #expect(events.count == Set(events).count)
        #expect(Set(events) == Set(GatewayEvent.names))
    }

    @Test func everyErrorCodeIsDocumented() throws {
        let codes = try Self.firstColumn(of: "Errors", in: "protocol.md")
        #expect(Set(codes) == Set(LoyaltyError.Code.allCases.map(\.rawValue)))
    }
}
