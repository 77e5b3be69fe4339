import Foundation
import LoyalgateProtocol

/// Asks every USB receipt printer for its own status every `interval` seconds and reports it
/// when it changes (paper near end, cover open, ...). A printer that is busy (CUPS printing) or
/// does not answer is skipped until the next round.
final class PrinterStatusWatcher: @unchecked Sendable {
    let printers: [String]
    let interval: Double
    let read: @Sendable (String) -> PrinterStatusUpdate?
    let report: @Sendable (PrinterStatusUpdate) -> Void
    private let lock = NSLock()
    private var last: [String: PrinterStatusUpdate] = [:]
    private var stopped = false

    init(
        printers: [String], interval: Double, read: @escaping @Sendable (String) -> PrinterStatusUpdate?,
        report: @escaping @Sendable (PrinterStatusUpdate) -> Void
    ) {
        self.printers = printers
        self.interval = interval
        self.read = read
        self.report = report
    }

    /// Does nothing without USB printers or with an interval of 0 (watching switched off).
    func start() {
        guard interval > 0, !printers.isEmpty else { return }
        let thread = Thread { [self] in
            while !lock.withLock({ stopped }) {
                for printer in printers {
                    guard let status = read(printer) else { continue }
                    let changed = lock.withLock {
                        defer { last[printer] = status }
                        return last[printer] != status
                    }
                    if changed { report(status) }
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "receipt printer status"
        thread.start()
    }

    func stop() {
        lock.withLock { stopped = true }
    }
}
