/// One op of the contract: its wire name, the least role that may call it, and the Codable
/// shapes of its parameters and of its answer. Every edge (the core, the gateway, the client,
/// the CLI, the tests) speaks these types, so a field has one name and one shape everywhere.
///
/// On the wire the parameters sit beside `id` and `op` in one flat JSON object, and the answer's
/// fields beside `id` and `ok` (docs/protocol.md, "Framing").
public protocol WireOperation: Sendable {
    associatedtype Parameters: Codable & Sendable
    associatedtype Answer: Codable & Sendable
    /// The `op` string, e.g. `card.lookup`.
    static var name: String { get }
    /// Who may call it on the core; the gateway's ops are open to every till on its socket.
    static var role: Role { get }
}

/// The roles a caller of the core is mapped to (docs/protocol.md, "Access").
public enum Role: String, Sendable, Codable {
    /// Look up, earn, redeem, return; sees a display name, never an address or birth date.
    case till
    /// Everything, including personal data, card life and exports.
    case backOffice = "back-office"
}

/// An op without parameters of its own (beyond `id` and `op`).
public struct NoParameters: Codable, Sendable, Equatable {
    public init() {}
}
