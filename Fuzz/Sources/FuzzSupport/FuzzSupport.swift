import Foundation

/// The fuzzer's bytes, read as a sequence of choices (a limit, a chunk size, a record) and then
/// a rest: structured targets take their settings from the front so that libFuzzer's mutations
/// reach every setting as easily as the data. Past the end every read gives zeros, so no input
/// is too short to run.
public struct FuzzInput {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    /// The input libFuzzer passes to `LLVMFuzzerTestOneInput` (its pointer may be null when empty).
    public init(_ start: UnsafePointer<UInt8>?, _ count: Int) {
        bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    }

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A little-endian 16-bit choice.
    public mutating func uint16() -> UInt16 { UInt16(byte()) | UInt16(byte()) << 8 }

    /// Up to `count` bytes (fewer at the end of the input).
    public mutating func take(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, offset + max(0, count))
        defer { offset = max(offset, end) }
        return offset < end ? Array(bytes[offset..<end]) : []
    }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] { take(bytes.count - offset) }
}

/// A broken invariant: stops the fuzzer with the reason, which libFuzzer reports as a crash and
/// saves the input for it (`crash-…`), like any trap in the code under test.
public func invariant(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() { fatalError("invariant broken: \(message())", file: file, line: line) }
}

/// Cuts `bytes` into the pieces a socket or a tty read might deliver, sized by `seed`, so a
/// target can check that a stream parser's result does not depend on where reads split it.
public func chunks(_ bytes: [UInt8], seed: UInt8) -> [[UInt8]] {
    guard seed != 0 else { return bytes.isEmpty ? [] : [bytes] }
    var state = UInt32(seed)
    var pieces: [[UInt8]] = []
    var index = 0
    while index < bytes.count {
        // A small linear congruential generator: cheap, and the same seed cuts the same way.
        state = state &* 1_103_515_245 &+ 12_345
        let size = 1 + Int((state >> 16) % 23)
        let end = min(bytes.count, index + size)
        pieces.append(Array(bytes[index..<end]))
        index = end
    }
    return pieces
}

/// JSON for comparing two values of a Codable type that is not Equatable: the same value gives
/// the same bytes.
public func canonicalJSON(_ value: some Encodable) -> Data? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try? encoder.encode(value)
}

/// Decodes what `value` encodes to: a type whose own output it cannot read back loses data
/// between the core and a till (or a file and the next import).
public func roundTrip<T: Codable & Equatable>(_ value: T, _ what: String) {
    guard let data = canonicalJSON(value) else {
        invariant(false, "\(what): a decoded value could not be encoded again")
        return
    }
    do {
        let again = try JSONDecoder().decode(T.self, from: data)
        invariant(
            again == value,
            "\(what): encoding and decoding again changed the value: \(String(decoding: data, as: UTF8.self))")
    } catch {
        invariant(
            false, "\(what): its own encoding does not decode: \(error) in \(String(decoding: data, as: UTF8.self))")
    }
}
