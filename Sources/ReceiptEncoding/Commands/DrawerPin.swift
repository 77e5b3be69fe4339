/// The drawer kick-out connector pin that `ESC p` pulses.
public enum DrawerPin: Sendable, Hashable {
    /// Pin 2, where the first (or only) drawer is wired.
    case pin2
    /// Pin 5, a second drawer.
    case pin5

    /// The `m` of `ESC p m t1 t2`.
    var escPValue: UInt8 {
        switch self {
        case .pin2: 0
        case .pin5: 1
        }
    }
}
