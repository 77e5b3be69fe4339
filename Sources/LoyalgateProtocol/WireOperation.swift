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

/// An op without parameters of its own (beyond `id` and `op`).
public struct NoParameters: Codable, Sendable, Equatable {
    public init() {}
}
