extension KeyedEncodingContainer {
    /// Writes `null` for a missing value instead of leaving the key out: the contract shows
    /// fields like `card`, `error` and `symbology` as null, so a till can rely on the key.
    mutating func encodeNullable<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
