/// A queue's state, what `lpstat -p` shows and what a shop person needs to hear when a batch waits.
public struct PrinterStatus: Sendable, Equatable {
    public enum State: Int32, Sendable {
        case idle = 3
        case processing, stopped
    }

    public var queue: String
    public var state: State
    public var accepting: Bool
    /// IPP printer-state-reasons: `media-empty`, `marker-supply-empty` (ribbon), `media-jam`,
    /// `offline-report`, … and `none` when all is well.
    public var reasons: [String]
    public var message: String

    /// The reasons that need a person, in words.
    public var problems: [String] {
        reasons.compactMap { reason in
            let keyword = reason.replacingSuffix("-error").replacingSuffix("-warning").replacingSuffix("-report")
            switch keyword {
            case "none", "cups-waiting-for-job-completed", "connecting-to-device": return nil
            case "media-empty", "media-needed": return "out of cards: fill the card hopper"
            case "media-jam": return "a card is jammed: open the printer and remove it"
            case "marker-supply-empty", "marker-supply-low": return "the ribbon is used up or low: change the ribbon"
            case "door-open", "cover-open": return "a cover is open: close it"
            case "offline", "shutdown": return "the printer is off or unplugged"
            case "paused": return "the queue is paused: cupsenable \(queue)"
            default: return reason
            }
        }
    }
}

private extension String {
    func replacingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
