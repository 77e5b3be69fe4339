/// The roles a caller of the core is mapped to (docs/protocol.md, "Access").
public enum Role: String, Sendable, Codable {
    /// Look up, earn, redeem, return; sees a display name, never an address or birth date.
    case till
    /// Everything, including personal data, card life and exports.
    case backOffice = "back-office"
}
