import ScanDecoding
import ScannerDrivers
import Testing

/// Key codes to characters with real XKB keymaps (xkb-data). Expected characters come from the
/// research table computed independently with libxkbcommon's Python binding (xkbtable.md) and
/// from the layouts' printed legends.
@Suite struct KeyDecoderTests {
    static let shift: UInt16 = 42, altGr: UInt16 = 100, ctrl: UInt16 = 29, capsLock: UInt16 = 58, numLock: UInt16 = 69

    /// Types a sequence of (code, modifiers) and returns the characters.
    static func type(_ layout: String, _ keys: [(UInt16, [UInt16])]) throws -> String {
        let decoder = try KeyDecoder(layout: layout)
        var text = ""
        for (code, modifiers) in keys {
            for modifier in modifiers { _ = decoder.feed(code: modifier, value: 1, at: .zero) }
            if case .character(let character, _) = decoder.feed(code: code, value: 1, at: .zero) {
                text.append(character)
            }
            _ = decoder.feed(code: code, value: 0, at: .zero)
            for modifier in modifiers.reversed() { _ = decoder.feed(code: modifier, value: 0, at: .zero) }
        }
        return text
    }

    // KEY_1, KEY_0, KEY_MINUS, KEY_Y, KEY_Z, KEY_SLASH unshifted, then KEY_1 and KEY_0 shifted.
    @Test(arguments: [
        ("us", "10-yz/!)"), ("de", "10ßzy-!="), ("fr", "&à)yw!10"), ("nl", "10/yz-!'"),
        ("no", "10+yz-!="), ("bg", "10-щюб!№"), ("be", "&à)yw=10"),
    ])
    func layoutsGiveTheirOwnCharacters(layout: String, expected: String) throws {
        let keys: [(UInt16, [UInt16])] = [
            (2, []), (11, []), (12, []), (21, []), (44, []), (53, []), (2, [Self.shift]), (11, [Self.shift]),
        ]
        #expect(try Self.type(layout, keys) == expected)
    }

    @Test func altGrGivesTheThirdLevel() throws {
        #expect(try Self.type("de", [(16, [Self.altGr]), (10, [Self.altGr])]) == "@]")
        #expect(try Self.type("fr", [(11, [Self.altGr])]) == "@")
    }

    @Test func capsLockLocksUntilPressedAgain() throws {
        let keys: [(UInt16, [UInt16])] = [
            (30, []), (Self.capsLock, []), (30, []), (31, []), (30, [Self.shift]), (Self.capsLock, []), (30, []),
        ]
        #expect(try Self.type("us", keys) == "aASaa")
    }

    @Test func keypadDigitsAreDigitsWithNumLockOnAsItStarts() throws {
        #expect(try Self.type("us", [(79, []), (80, []), (82, [])]) == "120")
        // Pressing NumLock turns the keypad into cursor keys, which type nothing.
        #expect(try Self.type("us", [(Self.numLock, []), (79, [])]) == "")
    }

    @Test func ctrlRightBracketIsTheGS1Separator() throws {
        #expect(try Self.type("us", [(27, [Self.ctrl])]) == "\u{1D}")
    }

    @Test func enterAndTabAreKeysNotCharacters() throws {
        let decoder = try KeyDecoder(layout: "us")
        #expect(decoder.feed(code: 28, value: 1, at: .seconds(1)) == .enter(at: .seconds(1)))
        #expect(decoder.feed(code: 96, value: 1, at: .seconds(2)) == .enter(at: .seconds(2)))  // keypad Enter
        #expect(decoder.feed(code: 15, value: 1, at: .seconds(3)) == .tab(at: .seconds(3)))
    }

    @Test func anUnknownLayoutIsAClearError() {
        #expect(throws: (any Error).self) { try KeyDecoder(layout: "xx-nonexistent") }
        #expect(!KeyDecoder.isKnownLayout("xx-nonexistent"))
        #expect(KeyDecoder.isKnownLayout("de", variant: "nodeadkeys"))
    }
}
