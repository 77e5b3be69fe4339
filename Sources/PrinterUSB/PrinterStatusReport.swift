/// A printer's status as tills (`printer.status` event and op) and `loyalgate doctor` show it.
public struct PrinterStatusReport: Sendable, Hashable, Codable {
    public var printer: String
    public var online: Bool
    public var coverOpen: Bool
    public var paperNearEnd: Bool
    public var paperOut: Bool
    public var drawerOpen: Bool
    public var error: Bool
    /// What needs a person, in words (empty when all is well).
    public var problems: [String]

    public init(printer: String, status: RealTimeStatus) {
        self.printer = printer
        online = status.online
        coverOpen = status.coverOpen
        paperNearEnd = status.paperNearEnd
        paperOut = status.paperOut
        drawerOpen = status.drawerOpen
        error = status.error
        problems = status.problems
    }

    /// One line for a terminal: `front: online, paper ok, drawer closed` or the problems.
    public var summary: String {
        var parts = [online ? "online" : "offline"]
        parts.append(paperOut ? "paper out" : paperNearEnd ? "paper near end" : "paper ok")
        if coverOpen { parts.append("cover open") }
        if error { parts.append("error") }
        parts.append(drawerOpen ? "drawer open" : "drawer closed")
        return "\(printer): " + parts.joined(separator: ", ") + (problems.isEmpty ? "" : " — " + problems.joined(separator: "; "))
    }
}
