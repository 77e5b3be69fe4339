import Foundation
import Logging
import LoyalgateProtocol
import ScanDecoding
import ScannerDrivers

/// The drivers' device events as the gateway shows them: the registry (for `devices.list`,
/// `gateway.status` and doctor), the log, and `device.added` / `device.removed` /
/// `scan.rejected` events for the tills. Called by the scan pipeline's task only, in the order
/// the device loop reported, so `device.added` always precedes the device's first scan.
struct DeviceEventPublisher: Sendable {
    let classifier: DeviceClassifier
    let registry: DeviceRegistry
    let hub: EventHub
    let maximumScanLength: Int
    let logger: Logger

    func appeared(_ facts: DeviceFacts) {
        let classification = classifier.classify(facts)
        registry.seen(facts, classification)
        if !classification.isScanner {
            logger.debug("not a scanner", metadata: ["node": "\(facts.devnode)", "why": "\(classification.reason)"])
        }
    }

    func opened(_ facts: DeviceFacts, grabbed: Bool, note: String?) {
        let classification = classifier.classify(facts)
        let firstNode = !registry.isOpen(deviceID: facts.id, except: facts.syspath)
        registry.opened(facts.syspath, grabbed: grabbed)
        if let note { logger.info("\(note)", metadata: ["node": "\(facts.devnode)"]) }
        logger.info(
            "scanner added",
            metadata: [
                "node": "\(facts.devnode)", "device": "\(facts.id)", "mode": "\(classification.mode?.rawValue ?? "?")",
                "layout": "\(classification.layout)", "grabbed": "\(grabbed)", "why": "\(classification.reason)",
            ])
        if classification.mode == .keyboard, !grabbed {
            logger.warning(
                "scanner not grabbed: another program holds it (keyd, a kiosk?); its keys also reach the desktop",
                metadata: ["node": "\(facts.devnode)"])
        }
        if firstNode, let device = registry.device(syspath: facts.syspath) {
            hub.publish(.deviceAdded(DeviceAdded(device: device)))
        }
    }

    func openFailed(_ facts: DeviceFacts, error: String, retrying: Bool) {
        registry.failed(facts.syspath, error: error)
        if retrying {
            logger.warning(
                "scanner cannot be opened yet; trying again",
                metadata: ["device": "\(facts.id)", "node": "\(facts.devnode)", "error": "\(error)"])
        } else {
            logger.error(
                "scanner cannot be opened",
                metadata: ["node": "\(facts.devnode)", "device": "\(facts.id)", "error": "\(error)"])
        }
    }

    func closed(_ facts: DeviceFacts, reason: String) {
        let device = registry.device(syspath: facts.syspath)
        registry.failed(facts.syspath, error: reason)
        logger.info(
            "scanner removed", metadata: ["node": "\(facts.devnode)", "device": "\(facts.id)", "reason": "\(reason)"])
        if !registry.isOpen(deviceID: facts.id, except: facts.syspath), let device {
            hub.publish(.deviceRemoved(DeviceRemoved(device: device, reason: reason)))
        }
    }

    func disappeared(syspath: String) {
        registry.removed(syspath)
    }

    /// Outcomes that are not scans: rejected ones become `scan.rejected`, the rest log lines.
    func rejected(_ outcome: ScanOutcome, from facts: DeviceFacts) {
        let device = registry.device(for: facts)
        switch outcome {
        case .scan:
            break
        case .tooLong(let length):
            logger.warning(
                "scan rejected: too long",
                metadata: ["device": "\(facts.id)", "node": "\(facts.devnode)", "length": "\(length)"])
            hub.publish(
                .scanRejected(
                    ScanRejected(
                        device: device, reason: .tooLong,
                        message: "A scan of more than \(maximumScanLength) bytes was dropped.")))
        case .malformed(let why):
            logger.warning(
                "scan rejected: malformed",
                metadata: ["device": "\(facts.id)", "node": "\(facts.devnode)", "why": "\(why)"])
            hub.publish(.scanRejected(ScanRejected(device: device, reason: .malformed, message: why)))
        case .garbage(let text):
            let shown = text.unicodeScalars.prefix(32).map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
            logger.warning(
                "non-printable characters removed from a scan",
                metadata: ["node": "\(facts.devnode)", "characters": "\(shown)"])
        case .discardedHumanTyping:
            logger.info("keys typed by hand on a scanner ignored", metadata: ["node": "\(facts.devnode)"])
        }
    }
}
