import Foundation

/// A umockdev test bed: emulated sysfs and /dev in which the real gateway binary finds
/// scanners through the real libudev and reads them through the real libevdev, with no
/// hardware. Used by the integration tests, `loyalgate demo` and `loyalgate bench gateway`.
///
/// The test bed is owned by a small Python process (GObject bindings of libumockdev) run under
/// `umockdev-wrapper`: only a process inside the mock environment can send hotplug uevents
/// (research notes, hid_umockdev.md §4). Programs join the test bed through `environment`.
public final class EmulatedDevices: @unchecked Sendable {
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var pending = Data()
    private let lock = NSLock()
    public private(set) var root: String
    private let scriptDirectory: String

    /// Whether this machine can emulate devices (umockdev and its Python bindings installed).
    public static var isAvailable: Bool {
        let files = FileManager.default
        return files.isExecutableFile(atPath: wrapper) && files.isExecutableFile(atPath: python)
            && (files.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/girepository-1.0/UMockdev-1.0.typelib")
                || files.fileExists(atPath: "/usr/lib/girepository-1.0/UMockdev-1.0.typelib"))
    }

    static let wrapper = "/usr/bin/umockdev-wrapper"
    static let python = "/usr/bin/python3"

    public init() throws {
        scriptDirectory = NSTemporaryDirectory() + "loyalgate-testbed-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: scriptDirectory, withIntermediateDirectories: true)
        let script = scriptDirectory + "/testbed.py"
        try Self.controller.write(toFile: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.wrapper)
        process.arguments = [Self.python, script]
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = nil
        environment["UMOCKDEV_DIR"] = nil
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        self.process = process
        self.input = stdin.fileHandleForWriting
        self.output = stdout.fileHandleForReading
        root = ""
        let hello = try readReply()
        guard let root = hello["root"] as? String else {
            throw EmulationError("the umockdev test bed did not start: \(hello)")
        }
        self.root = root
    }

    deinit {
        try? input.close()
        // A child that inherited the other end of the pipe keeps it open; do not wait for ever.
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: scriptDirectory)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The environment a program needs to see the test bed's devices instead of the machine's.
    public var environment: [String: String] {
        ["LD_PRELOAD": "libumockdev-preload.so.0", "UMOCKDEV_DIR": root]
    }

    /// Plugs a device in: its sysfs tree appears and udev `add` events go out.
    public func plug(_ device: EmulatedScanner) throws {
        var command: [String: String] = ["op": "add", "text": device.description]
        if let ioctl = device.ioctl {
            command["ioctl"] = ioctl
            command["node"] = device.node
        }
        try send(command)
        if device.isScanner { lock.withLock { _ = plugged.insert(device.id) } }
    }

    /// Unplugs it: a udev `remove` event, then its nodes disappear.
    public func unplug(_ device: EmulatedScanner) throws {
        try send(["op": "remove", "syspath": device.leafSyspath, "text": device.description])
        lock.withLock { _ = plugged.remove(device.id) }
    }

    /// The ids of the scanners plugged in now: a gateway started on the test bed is ready for a
    /// test once it reads them all.
    public var pluggedScanners: Set<String> { lock.withLock { plugged } }
    private var plugged: Set<String> = []

    /// Writes bytes as the device would send them (input_event records, HID reports, serial data).
    public func send(_ bytes: [UInt8], to node: String) throws {
        try send(["op": "write", "node": node, "hex": Self.hex(bytes)])
    }

    /// Makes the device fail: the emulated node's other end is closed, so reads fail (EIO) or
    /// hang up, as a USB device with a broken cable or firmware does.
    public func breakDevice(_ device: EmulatedScanner) throws {
        try send(["op": "break", "node": device.node])
    }

    /// A scanner scanning: the key events of `script`, `gap` apart. Like the kernel, the test
    /// bed stamps them when it writes them (at least `pause` after it wrote the previous burst on
    /// this node), so how long this process takes to prepare them does not matter. Returns
    /// the time stamp of the last key event (CLOCK_MONOTONIC, as the gateway asks evdev for).
    @discardableResult
    /// With `endingNow`, the last key is stamped at the write (the scan has just been completed,
    /// what the benchmark times from); otherwise the first is, and a long burst runs ahead.
    public func type(
        _ script: KeyScript, on node: String, gap: Duration = .milliseconds(4), pause: Duration = .milliseconds(100),
        endingNow: Bool = false
    ) throws -> Duration {
        let bytes = script.records(start: .zero, gap: gap)
        let pauseSeconds = pause.inSeconds
        let reply = try send([
            "op": "keys", "node": node, "hex": Self.hex(bytes), "pause": String(pauseSeconds),
            "endingNow": endingNow ? "1" : "",
        ])
        guard let last = reply["last"] as? Double else { throw EmulationError("umockdev: no time stamp in \(reply)") }
        return .microseconds(Int64((last * 1e6).rounded()))
    }

    @discardableResult
    private func send(_ command: [String: String]) throws -> [String: Any] {
        try lock.withLock {
            var line = try JSONSerialization.data(withJSONObject: command)
            line.append(0x0A)
            try input.write(contentsOf: line)
            let reply = try readReply()
            if let error = reply["error"] as? String { throw EmulationError("umockdev: \(error)") }
            return reply
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var text = [UInt8](repeating: 0, count: bytes.count * 2)
        for (index, byte) in bytes.enumerated() {
            text[2 * index] = digits[Int(byte >> 4)]
            text[2 * index + 1] = digits[Int(byte & 0x0F)]
        }
        return String(decoding: text, as: UTF8.self)
    }

    private func readReply() throws -> [String: Any] {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                return (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] ?? [
                    "error": String(decoding: line, as: UTF8.self)
                ]
            }
            let chunk = output.availableData
            guard !chunk.isEmpty else {
                throw EmulationError("the umockdev test bed exited")
            }
            pending += chunk
        }
    }

    /// The Python side: a UMockdev.Testbed driven by one JSON command per line.
    static let controller = #"""
        import json, os, struct, sys, tempfile, time
        import gi
        gi.require_version('UMockdev', '1.0')
        from gi.repository import UMockdev

        tb = UMockdev.Testbed.new()
        loaded = set()
        ends = {}
        print(json.dumps({"root": tb.get_root_dir()}), flush=True)
        for line in sys.stdin:
            try:
                cmd = json.loads(line)
                op = cmd["op"]
                if op == "add":
                    if "ioctl" in cmd and cmd["node"] not in loaded:
                        loaded.add(cmd["node"])
                        # Before the add event, so the gateway's first ioctl already gets its answer.
                        with tempfile.NamedTemporaryFile("w", suffix=".ioctl", delete=False) as f:
                            f.write(cmd["ioctl"])
                        tb.load_ioctl(cmd["node"], f.name)
                        os.unlink(f.name)
                    tb.add_from_string(cmd["text"])
                elif op == "write":
                    fd = tb.get_dev_fd(cmd["node"])
                    data = bytes.fromhex(cmd["hex"])
                    while data:
                        data = data[os.write(fd, data):]
                elif op == "keys":
                    # input_event records with times relative to 0: stamp them now on CLOCK_MONOTONIC, as
                    # the kernel does once the gateway asked for it (libevdev_set_clock_id).
                    data = bytearray(bytes.fromhex(cmd["hex"]))
                    span = max([s + u / 1e6 for s, u in (struct.unpack_from("<qq", data, o) for o in range(0, len(data) - 23, 24))] or [0])
                    # The pause before this burst is real time (the gateway trusts no stamp in the future,
                    # so a burst written early would run into the previous one).
                    wait = ends.get(cmd["node"], 0) + float(cmd.get("pause", "0.1")) - time.clock_gettime(time.CLOCK_MONOTONIC)
                    if wait > 0:
                        time.sleep(wait)
                    base = time.clock_gettime(time.CLOCK_MONOTONIC) - (span if cmd.get("endingNow") else 0)
                    last = base
                    for offset in range(0, len(data) - 23, 24):
                        seconds, micros = struct.unpack_from("<qq", data, offset)
                        stamp = base + seconds + micros / 1e6
                        whole = int(stamp)
                        struct.pack_into("<qq", data, offset, whole, int(round((stamp - whole) * 1e6)) % 1000000)
                        last = max(last, stamp)
                    fd = tb.get_dev_fd(cmd["node"])
                    view = bytes(data)
                    while view:
                        view = view[os.write(fd, view):]
                    ends[cmd["node"]] = time.clock_gettime(time.CLOCK_MONOTONIC)
                    print(json.dumps({"ok": True, "last": last}), flush=True)
                    continue
                elif op == "break":
                    os.close(tb.get_dev_fd(cmd["node"]))
                elif op == "remove":
                    tb.uevent(cmd["syspath"], "remove")
                    # Every device of the description goes, leaf first, so it can be plugged in again.
                    paths = ["/sys" + l[3:].strip() for l in cmd["text"].splitlines() if l.startswith("P: ")]
                    for path in reversed(paths):
                        tb.remove_device(path)
                else:
                    raise ValueError("unknown op " + op)
                print(json.dumps({"ok": True}), flush=True)
            except Exception as e:
                print(json.dumps({"error": repr(e)}), flush=True)
        """#
}
