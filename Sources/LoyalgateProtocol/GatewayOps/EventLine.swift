/// One event line as a till receives it: the event's fields beside `event`, `seq` (per
/// connection), `cursor` (per gateway run) and `replayed`.
public struct EventLine: Sendable, Codable, Equatable {
    public var seq: Int64
    public var cursor: Int64
    /// True for events sent again after a `subscribe` with `since`.
    public var replayed: Bool?
    public var event: GatewayEvent

    public init(seq: Int64, cursor: Int64, replayed: Bool?, event: GatewayEvent) {
        self.seq = seq
        self.cursor = cursor
        self.replayed = replayed
        self.event = event
    }

    private enum CodingKeys: String, CodingKey { case event, seq, cursor, replayed }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event.name, forKey: .event)
        try container.encode(seq, forKey: .seq)
        try container.encode(cursor, forKey: .cursor)
        try container.encodeIfPresent(replayed, forKey: .replayed)
        try event.encodeFields(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .event)
        guard let event = try GatewayEvent.decode(name: name, from: decoder) else {
            throw DecodingError.dataCorruptedError(
                forKey: .event, in: container, debugDescription: "Unknown event \"\(name)\".")
        }
        self.event = event
        seq = try container.decode(Int64.self, forKey: .seq)
        cursor = try container.decode(Int64.self, forKey: .cursor)
        replayed = try container.decodeIfPresent(Bool.self, forKey: .replayed)
    }
}
