/// A failure of the umockdev test bed (the helper, a device file), in one sentence.
public struct EmulationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
