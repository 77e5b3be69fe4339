import CEvdev
import Foundation

/// Where the gateway types what a `filter`-mode scanner scanned that is not a card: a virtual
/// keyboard the desktop reads as it reads a real one.
public protocol VirtualKeyboard: AnyObject, Sendable {
    /// One sentence for the log, `gateway.status` and doctor: what the keys go to.
    var summary: String { get }
    /// Types the strokes in order, each key pressed and released.
    func type(_ strokes: [KeyStroke]) throws
}

/// The real one: a uinput device created through libevdev (`libevdev_uinput_create_from_device`),
/// named "loyalgate pass-through keyboard", with every key a text needs enabled.
public final class UInputKeyboard: VirtualKeyboard, @unchecked Sendable {
    public static let path = "/dev/uinput"
    public let summary: String
    private let evdev: OpaquePointer
    private let uinput: OpaquePointer
    private let lock = NSLock()

    public init(path: String = UInputKeyboard.path) throws {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let why =
                errno == ENOENT
                ? "it does not exist (a kernel without CONFIG_INPUT_UINPUT, or the uinput module not loaded)"
                : errnoText()
            throw DriverError("Cannot open \(path) to type product scans: \(why).")
        }
        guard let device = libevdev_new() else {
            close(fd)
            throw DriverError("libevdev could not make a device.")
        }
        libevdev_set_name(device, "loyalgate pass-through keyboard")
        libevdev_enable_event_type(device, UInt32(EV_KEY))
        // Every key of a PC keyboard's main block and keypad: what any layout's text needs.
        for code in 1..<UInt32(KEY_KPDOT + 1) { libevdev_enable_event_code(device, UInt32(EV_KEY), code, nil) }
        libevdev_enable_event_code(device, UInt32(EV_KEY), UInt32(KeyStroke.rightAlt), nil)
        libevdev_enable_event_code(device, UInt32(EV_KEY), UInt32(KEY_102ND), nil)
        var created: OpaquePointer?
        let status = libevdev_uinput_create_from_device(device, fd, &created)
        guard status == 0, let created else {
            libevdev_free(device)
            close(fd)
            throw DriverError("Cannot create a uinput keyboard on \(path): \(errnoText(-status)).")
        }
        evdev = device
        uinput = created
        let node = libevdev_uinput_get_devnode(created).map { String(cString: $0) } ?? "a uinput device"
        summary = "typed through uinput (\(node))"
    }

    deinit {
        // The fd was ours (not LIBEVDEV_UINPUT_OPEN_MANAGED): destroying the device leaves it open.
        let fd = libevdev_uinput_get_fd(uinput)
        libevdev_uinput_destroy(uinput)
        close(fd)
        libevdev_free(evdev)
    }

    public func type(_ strokes: [KeyStroke]) throws {
        try lock.withLock {
            for stroke in strokes {
                for event in stroke.events {
                    try write(UInt32(EV_KEY), UInt32(event.code), event.value)
                    try write(UInt32(EV_SYN), UInt32(SYN_REPORT), 0)
                }
            }
        }
    }

    private func write(_ type: UInt32, _ code: UInt32, _ value: Int32) throws {
        let status = libevdev_uinput_write_event(uinput, type, code, value)
        guard status == 0 else { throw DriverError("Typing through uinput failed: \(errnoText(-status)).") }
    }
}

/// A stand-in for uinput where the kernel has none (this project's CI machines: their kernel is
/// built without CONFIG_INPUT_UINPUT). It types nothing: it appends the key events a real
/// uinput keyboard would get to a file, one `code value` line each, so a test can read back
/// what would have been typed. Chosen only by the `LOYALGATE_FAKE_UINPUT` environment variable,
/// and says so in its summary (the log, `gateway.status`, doctor).
public final class RecordingKeyboard: VirtualKeyboard, @unchecked Sendable {
    public let path: String
    public var summary: String { "NOT typed: a fake uinput records the keys to \(path) (LOYALGATE_FAKE_UINPUT)" }
    private let lock = NSLock()

    public init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw DriverError("Cannot write the fake uinput record \(path).") }
    }

    public func type(_ strokes: [KeyStroke]) throws {
        let lines = strokes.flatMap(\.events).map { "\($0.code) \($0.value)\n" }.joined()
        try lock.withLock {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw DriverError("Cannot write the fake uinput record \(path).")
            }
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(lines.utf8))
        }
    }
}
