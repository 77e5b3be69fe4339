/// How a scanner talks to the PC; the value of `mode` in the protocol's device object.
public enum ScannerMode: String, Sendable, Codable {
    case keyboard
    case hidPOS = "hid-pos"
    case serial

    /// The node kind a scanner in this mode is read through.
    public var nodeKind: DeviceFacts.NodeKind {
        switch self {
        case .keyboard: .input
        case .hidPOS: .hidraw
        case .serial: .tty
        }
    }
}
