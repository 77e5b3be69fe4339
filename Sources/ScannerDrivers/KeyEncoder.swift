import CXkbcommon

/// One key typed on a virtual keyboard: the evdev key code, with the modifier keys held around it.
public struct KeyStroke: Sendable, Equatable {
    /// evdev key code (`KEY_Y` = 21).
    public var code: UInt16
    /// evdev codes of the modifier keys held while the key is pressed, in the order pressed.
    public var modifiers: [UInt16]

    public init(code: UInt16, modifiers: [UInt16] = []) {
        self.code = code
        self.modifiers = modifiers
    }

    public static let leftShift: UInt16 = 42
    public static let leftControl: UInt16 = 29
    /// AltGr, the third-level chooser in the evdev keymaps of European layouts.
    public static let rightAlt: UInt16 = 100
    public static let enter = KeyStroke(code: 28)
    public static let tab = KeyStroke(code: 15)

    /// The evdev key events that type it (value 1 press, 0 release); a SYN_REPORT follows each.
    public var events: [(code: UInt16, value: Int32)] {
        modifiers.map { ($0, 1) } + [(code, 1), (code, 0)] + modifiers.reversed().map { ($0, 0) }
    }
}

/// Text to key strokes in a keyboard layout: the reverse of `KeyDecoder`, from the same XKB
/// keymap (libxkbcommon, xkb-data), with no hand-written tables. For each character the keymap
/// can type it picks the key and level needing the fewest modifiers (Shift, AltGr, Ctrl; never
/// CapsLock or NumLock, whose state on the desktop is unknown).
public final class KeyEncoder: @unchecked Sendable {
    public let layout: String
    public let variant: String?
    private var strokes: [Unicode.Scalar: KeyStroke] = [:]

    public init(layout: String, variant: String? = nil) throws {
        let decoder = try KeyDecoder(layout: layout, variant: variant)
        self.layout = layout
        self.variant = variant
        strokes = decoder.withKeymap(Self.table)
    }

    /// Why a text cannot be typed: the characters the layout has no key for.
    public struct Untypable: Error, CustomStringConvertible {
        public let characters: [Unicode.Scalar]
        public let layout: String
        public var description: String {
            let listed = characters.map {
                $0.value < 0x20 ? "U+\(String($0.value, radix: 16, uppercase: true))" : "\"\($0)\""
            }
            return "the keyboard layout \(layout) has no key for \(listed.joined(separator: ", "))"
        }
    }

    /// The strokes that type `text`, then `suffix` (`enter`, `tab`, `none`). GS (0x1D, the GS1
    /// separator) is Ctrl with the key that types "]", as scanners send it.
    public func strokes(for text: String, suffix: String = "none") throws -> [KeyStroke] {
        var result: [KeyStroke] = []
        var missing: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            if scalar == "\u{1D}", var bracket = strokes["]"] {
                bracket.modifiers.insert(KeyStroke.leftControl, at: 0)
                result.append(bracket)
            } else if let stroke = strokes[scalar] {
                result.append(stroke)
            } else if !missing.contains(scalar) {
                missing.append(scalar)
            }
        }
        guard missing.isEmpty else { throw Untypable(characters: missing, layout: layout) }
        switch suffix {
        case "enter", "cr", "lf", "crlf": result.append(.enter)
        case "tab": result.append(.tab)
        default: break
        }
        return result
    }

    /// Every character the keymap types, with its cheapest stroke.
    private static func table(_ keymap: OpaquePointer) -> [Unicode.Scalar: KeyStroke] {
        func index(_ name: String) -> xkb_mod_index_t { xkb_keymap_mod_get_index(keymap, name) }
        let shift = index(XKB_MOD_NAME_SHIFT), control = index(XKB_MOD_NAME_CTRL), levelThree = index("Mod5")
        var best: [Unicode.Scalar: (cost: Int, stroke: KeyStroke)] = [:]
        let minimum = xkb_keymap_min_keycode(keymap), maximum = xkb_keymap_max_keycode(keymap)
        guard minimum > 8 || maximum > 8 else { return [:] }
        for keycode in max(minimum, 9)...min(maximum, 255 + 8) {
            // The first group only: the layout named, not a second one switched to.
            let levels = xkb_keymap_num_levels_for_key(keymap, keycode, 0)
            for level in 0..<levels {
                var symbols: UnsafePointer<xkb_keysym_t>?
                guard xkb_keymap_key_get_syms_by_level(keymap, keycode, 0, level, &symbols) == 1, let symbols else {
                    continue
                }
                let codePoint = xkb_keysym_to_utf32(symbols.pointee)
                guard codePoint >= 0x20, codePoint != 0x7F, let scalar = Unicode.Scalar(codePoint) else { continue }
                var masks = [xkb_mod_mask_t](repeating: 0, count: 16)
                let count = xkb_keymap_key_get_mods_for_level(keymap, keycode, 0, level, &masks, masks.count)
                for mask in masks.prefix(Int(count)) {
                    var modifiers: [UInt16] = []
                    var usable = true
                    for bit in 0..<32 where mask & (1 << bit) != 0 {
                        switch xkb_mod_index_t(bit) {
                        case shift: modifiers.append(KeyStroke.leftShift)
                        case control: modifiers.append(KeyStroke.leftControl)
                        case levelThree: modifiers.append(KeyStroke.rightAlt)
                        default: usable = false  // CapsLock, NumLock, Alt, Super: not pressed for text
                        }
                    }
                    guard usable else { continue }
                    let stroke = KeyStroke(code: UInt16(keycode - 8), modifiers: modifiers)
                    if best[scalar].map({ modifiers.count < $0.cost }) ?? true {
                        best[scalar] = (modifiers.count, stroke)
                    }
                }
            }
        }
        return best.mapValues(\.stroke)
    }
}
