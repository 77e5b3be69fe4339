/// What happens to a keyboard-wedge scanner's keystrokes besides the gateway reading them, per
/// device in the gateway configuration (`passThrough`), for tills that stay as they are.
public enum PassThrough: String, Sendable, Codable, CaseIterable {
    /// Grabbed (EVIOCGRAB): the keys reach no other program. The default, for tills that get
    /// their scans from the gateway.
    case exclusive
    /// Not grabbed: the keys reach the focused program as before (an unchanged till program),
    /// and the gateway reads them too, forwarding card scans to the core and the tills.
    case shared
    /// Grabbed: card scans go to the core and are not typed; everything else (product codes) is
    /// typed into the focused program through a virtual keyboard (uinput), in the desktop's
    /// layout, with the scanner's suffix.
    case filter

    /// Whether the reader holds the node exclusively.
    public var grabs: Bool { self != .shared }
}
