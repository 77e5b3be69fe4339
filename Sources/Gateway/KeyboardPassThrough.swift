import Foundation
import Logging
import ScannerDrivers

/// Types what `filter`-mode scanners scanned that is not a card (and cards too, with
/// `typeCards`) into the focused program, as the scanner itself would have without the gateway:
/// in the desktop's keyboard layout, with the scanner's suffix. A scan the layout cannot type, or
/// a keyboard that fails, is logged and the scan still reaches the tills: typing never holds up
/// or loses a scan.
final class KeyboardPassThrough: @unchecked Sendable {
    private let logger: Logger
    private let encoder: KeyEncoder?
    private let keyboard: (any VirtualKeyboard)?
    /// For `gateway.status` and doctor: where the keys go, or why nothing can be typed.
    let summary: String

    /// `needed`: some device is configured for `filter` (otherwise no uinput device is made).
    init(typing: GatewayConfiguration.Typing, needed: Bool, environment: [String: String], logger: Logger) {
        self.logger = logger
        encoder = try? KeyEncoder(layout: typing.layout, variant: typing.variant)
        guard needed else {
            keyboard = nil
            summary = "not used: no device is in filter mode"
            return
        }
        do {
            if let record = environment["LOYALGATE_FAKE_UINPUT"], !record.isEmpty {
                keyboard = try RecordingKeyboard(path: record)
            } else {
                keyboard = try UInputKeyboard()
            }
            summary = "\(keyboard!.summary), layout \(typing.layout)\(typing.variant.map { " (\($0))" } ?? "")"
            logger.info("filter mode: product scans are typed", metadata: ["keyboard": "\(summary)"])
        } catch {
            keyboard = nil
            summary = "unavailable: \(error)"
            logger.error(
                "filter mode: product scans cannot be typed; they still reach the tills",
                metadata: ["error": "\(error)"])
        }
    }

    /// Types `data` and the suffix; logs (without the data: it may be a card number) when it cannot.
    func type(_ data: String, suffix: String, device: String) {
        guard let keyboard, let encoder else { return }
        do {
            try keyboard.type(try encoder.strokes(for: data, suffix: suffix))
        } catch {
            logger.warning(
                "a scan could not be typed into the till program",
                metadata: ["device": "\(device)", "error": "\(error)"])
        }
    }

    /// The desktop's layout as Debian's keyboard-configuration records it (`XKBLAYOUT` and
    /// `XKBVARIANT` in /etc/default/keyboard; the first of a list), else `us`.
    static func systemTyping(file: String = "/etc/default/keyboard") -> GatewayConfiguration.Typing {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return .init(layout: "us") }
        func value(_ key: String) -> String? {
            for line in text.split(separator: "\n") where line.hasPrefix(key + "=") {
                let raw = line.dropFirst(key.count + 1).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
                let first = raw.split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
                return first.isEmpty ? nil : first
            }
            return nil
        }
        return .init(layout: value("XKBLAYOUT") ?? "us", variant: value("XKBVARIANT"))
    }
}
