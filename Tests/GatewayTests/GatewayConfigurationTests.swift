import Foundation
import Gateway
import Testing

@Suite struct GatewayConfigurationTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    @Test func theExampleConfigurationLoads() throws {
        let configuration = try GatewayConfiguration.load(
            path: Self.examples.appendingPathComponent("gateway.json").path)
        #expect(configuration.devices.count == 4)
        #expect(configuration.devices[0].layout == "de")
        #expect(configuration.replayEvents == 1000)
    }

    @Test func anEmptyObjectIsAWorkingConfiguration() throws {
        let configuration = try JSONDecoder().decode(GatewayConfiguration.self, from: Data("{}".utf8))
        #expect(configuration == GatewayConfiguration())
    }

    @Test func mistakesAreNamed() throws {
        let path = NSTemporaryDirectory() + "gateway-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"devices":[{"match":"0c2e:0b81","mode":"wedge"}]}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect { try GatewayConfiguration.load(path: path) } throws: {
            "\($0)".contains("mode must be keyboard, hid-pos or serial")
        }
        try #"{"devices":[{"layout":"de"}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try GatewayConfiguration.load(path: path) } throws: { "\($0)".contains("match") }
    }
}
