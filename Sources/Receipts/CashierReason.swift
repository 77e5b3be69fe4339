import Printing

/// CUPS's printer-state-reasons and job messages in words a cashier acts on.
enum CashierReason {
    /// The most important problem among IPP printer-state-reasons, or nil if none needs a person.
    static func from(reasons: [String], queue: String, stopped: Bool) -> String? {
        let keywords = reasons.map { reason in
            for suffix in ["-error", "-warning", "-report"] where reason.hasSuffix(suffix) {
                return String(reason.dropLast(suffix.count))
            }
            return reason
        }
        let ordered: [(String, String)] = [
            ("media-empty", "The printer is out of paper: put in a new roll."),
            ("media-needed", "The printer is out of paper: put in a new roll."),
            ("cover-open", "The printer's cover is open: close it."),
            ("door-open", "The printer's cover is open: close it."),
            ("media-jam", "Paper is jammed in the printer: open the cover and clear it."),
            ("offline", "The printer is off or unplugged: switch it on and check its cable."),
            ("shutdown", "The printer is off or unplugged: switch it on and check its cable."),
            (
                "connecting-to-device",
                "The printer cannot be reached: check that it is switched on and its cable is in."
            ),
            ("paused", "The receipt printer's queue is stopped: a technician must run `cupsenable \(queue)`."),
        ]
        for (keyword, sentence) in ordered where keywords.contains(keyword) { return sentence }
        if stopped { return "The receipt printer's queue is stopped: a technician must run `cupsenable \(queue)`." }
        return nil
    }

    /// The socket backend keeps retrying a printer that refuses connections and says so only in
    /// printer-state-message ("The printer may not exist or is unavailable at this time."), with
    /// connecting-to-device set only between its sleeps.
    static func from(message: String) -> String? {
        message.contains("may not exist or is unavailable") || message.contains("not responding")
            ? "The printer cannot be reached: check that it is switched on and its cable is in." : nil
    }

    /// The sentence for a job CUPS ended without printing.
    static func forFinishedJob(_ status: JobStatus, printer: PrinterStatus?, queue: String) -> String {
        if let printer, let reason = from(reasons: printer.reasons, queue: queue, stopped: printer.state == .stopped) {
            return reason
        }
        if status.state == .cancelled { return "The receipt was cancelled on the print server." }
        let words = status.message.isEmpty ? (printer?.message ?? "") : status.message
        return "The receipt did not print" + (words.isEmpty ? "." : ": \(words)")
    }
}
