import Foundation
import ScannerDrivers

/// The input, hidraw and CDC-ACM nodes present now, each with the gateway's verdict: what
/// `loyalgate doctor` shows a technician. Uses the same table and rules as the gateway.
public enum DeviceInventory {
    public struct Entry: Sendable {
        public let facts: DeviceFacts
        public let classification: DeviceClassifier.Classification
    }

    public static func current(configuration: GatewayConfiguration) throws -> (entries: [Entry], table: ScannerTable) {
        let table = ScannerTable.load(paths: configuration.hwdb ?? ScannerTable.defaultPaths())
        let classifier = DeviceClassifier(table: table, configuration: configuration)
        let udev = try Udev()
        return (udev.enumerate().map { Entry(facts: $0, classification: classifier.classify($0)) }, table)
    }
}
