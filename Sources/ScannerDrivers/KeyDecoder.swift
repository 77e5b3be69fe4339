import CXkbcommon
import ScanDecoding

/// Turns evdev key events into characters with the XKB layout the scanner emulates (keymaps
/// from xkb-data through libxkbcommon; nothing is hand-mapped). The XKB state tracks Shift,
/// AltGr, Ctrl, CapsLock and NumLock across events exactly as a desktop would, so `Ctrl+]`
/// yields GS (0x1D) and keypad digits yield digits.
///
/// Not thread-safe: one decoder per device, used from the device thread.
public final class KeyDecoder {
    public let layout: String
    public let variant: String?
    private let context: OpaquePointer
    private let keymap: OpaquePointer
    private var state: OpaquePointer
    private let numLockMask: xkb_mod_mask_t

    /// evdev key codes are XKB key codes minus 8 (the X11 convention).
    private static let evdevOffset: UInt32 = 8

    public init(layout: String, variant: String? = nil) throws {
        guard let context = xkb_context_new(XKB_CONTEXT_NO_FLAGS) else {
            throw DriverError("libxkbcommon could not be initialised.")
        }
        let keymap: OpaquePointer? = "evdev".withCString { rules in
            "pc105".withCString { model in
                layout.withCString { layoutName in
                    withOptionalCString(variant) { variantName in
                        var names = xkb_rule_names(
                            rules: rules, model: model, layout: layoutName, variant: variantName, options: nil)
                        return xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS)
                    }
                }
            }
        }
        guard let keymap else {
            xkb_context_unref(context)
            throw DriverError(
                "The keyboard layout \"\(layout)\"\(variant.map { " variant \"\($0)\"" } ?? "") is not known to XKB (see /usr/share/X11/xkb/rules/base.lst)."
            )
        }
        self.layout = layout
        self.variant = variant
        self.context = context
        self.keymap = keymap
        self.state = xkb_state_new(keymap)
        let index = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_NUM)
        self.numLockMask = index == XKB_MOD_INVALID ? 0 : 1 << index
        reset()
    }

    deinit {
        xkb_state_unref(state)
        xkb_keymap_unref(keymap)
        xkb_context_unref(context)
    }

    /// Releases every key and modifier. NumLock starts on: the scanner cannot see the host's
    /// NumLock LED, and one that types keypad digits assumes they are digits.
    public func reset() {
        xkb_state_unref(state)
        state = xkb_state_new(keymap)
        xkb_state_update_mask(state, 0, 0, numLockMask, 0, 0, 0)
    }

    /// Feeds one EV_KEY event (value 1 press, 0 release, 2 autorepeat) and returns what a press
    /// typed, if anything: a character, Enter, Tab. Modifier keys type nothing.
    public func feed(code: UInt16, value: Int32, at time: Duration) -> KeyboardEvent? {
        let keycode = UInt32(code) + Self.evdevOffset
        guard value != 0 else {
            xkb_state_update_key(state, keycode, XKB_KEY_UP)
            return nil
        }
        if value == 1 {
            defer { xkb_state_update_key(state, keycode, XKB_KEY_DOWN) }
            return typed(keycode, at: time)
        }
        return typed(keycode, at: time)  // autorepeat types again, with the state as it is
    }

    private func typed(_ keycode: UInt32, at time: Duration) -> KeyboardEvent? {
        let symbol = xkb_state_key_get_one_sym(state, keycode)
        switch symbol {
        case UInt32(XKB_KEY_Return), UInt32(XKB_KEY_KP_Enter): return .enter(at: time)
        case UInt32(XKB_KEY_Tab), UInt32(XKB_KEY_ISO_Left_Tab): return .tab(at: time)
        default: break
        }
        // One code point per key; XKB applies the Control transformation (Ctrl+] is GS).
        let codePoint = xkb_state_key_get_utf32(state, keycode)
        guard codePoint != 0, let scalar = Unicode.Scalar(codePoint) else { return nil }
        return .character(Character(scalar), at: time)
    }

    /// The compiled keymap, for the encoder that types in the same layout.
    func withKeymap<R>(_ body: (OpaquePointer) -> R) -> R { body(keymap) }

    /// Whether XKB knows a layout name, for doctor and configuration checks.
    public static func isKnownLayout(_ layout: String, variant: String? = nil) -> Bool {
        (try? KeyDecoder(layout: layout, variant: variant)) != nil
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
