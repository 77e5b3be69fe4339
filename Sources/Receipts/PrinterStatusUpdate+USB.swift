import LoyalgateProtocol
import PrinterUSB

extension PrinterStatusUpdate {
    /// What a printer answered over USB, as tills (`printer.status` event and op) and
    /// `loyalgate doctor` show it.
    public init(printer: String, status: RealTimeStatus) {
        self.init(
            printer: printer, online: status.online, coverOpen: status.coverOpen, paperNearEnd: status.paperNearEnd,
            paperOut: status.paperOut, drawerOpen: status.drawerOpen, error: status.error, problems: status.problems)
    }

    /// One line for a terminal: `front: online, paper ok, drawer closed` or the problems.
    public var summary: String {
        var parts = [online ? "online" : "offline"]
        parts.append(paperOut ? "paper out" : paperNearEnd ? "paper near end" : "paper ok")
        if coverOpen { parts.append("cover open") }
        if error { parts.append("error") }
        parts.append(drawerOpen ? "drawer open" : "drawer closed")
        return "\(printer): " + parts.joined(separator: ", ")
            + (problems.isEmpty ? "" : " — " + problems.joined(separator: "; "))
    }
}
