import LoyalgateProtocol
import PrinterUSB
import Printing

/// The receipt printers' part of `loyalgate doctor`: each configured printer's CUPS queue and,
/// for a USB printer, its own status.
public enum ReceiptPrinterDoctor {
    public struct Report: Sendable {
        public var lines: [String] = []
        public var problems: [String] = []
    }

    public static func check(_ configuration: ReceiptsConfiguration, server: PrintServer = .standard) -> Report {
        var report = Report()
        if configuration.printers.isEmpty { report.lines.append("no receipt printers configured") }
        let connection = try? PrintConnection(server: server)
        for printer in configuration.printers {
            report.lines.append("\(printer.id): queue \(printer.queue), model \(printer.model)")
            if let connection, let status = try? connection.printerStatus(printer.queue) {
                let problem = CashierReason.from(
                    reasons: status.reasons, queue: printer.queue, stopped: status.state == .stopped)
                report.lines.append(
                    "  CUPS: \(status.state), \(status.accepting ? "accepting" : "NOT ACCEPTING") jobs\(status.reasons.isEmpty ? "" : ", " + status.reasons.joined(separator: " "))"
                )
                if let problem { report.problems.append("\(printer.id): \(problem)") }
                if !status.accepting {
                    report.problems.append(
                        "\(printer.id): the queue does not accept jobs: run `cupsaccept \(printer.queue)`.")
                }
            } else {
                report.lines.append("  CUPS: NO QUEUE \(printer.queue) (or CUPS is not running)")
                report.problems.append(
                    "\(printer.id): CUPS has no queue \(printer.queue): create it (hardware-notes/receipt-printers.md)."
                )
            }
            guard let usb = printer.usb else { continue }
            do {
                let status = PrinterStatusUpdate(
                    printer: printer.id, status: try USBStatusReader(device: USBDeviceID(usb)).read())
                report.lines.append("  USB \(usb): " + status.summary)
                report.problems += status.problems.map { "\(printer.id): \($0)" }
            } catch {
                report.lines.append("  USB \(usb): \(error.description)")
            }
        }
        return report
    }
}
