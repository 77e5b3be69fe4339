import CardDesign
import Foundation
import Testing

@testable import CardRendering

/// A design and the files it names are read so that none can hang the command or take all
/// memory: a FIFO, a device, a huge image, a design of a million elements. Real files on disk.
@Suite(.timeLimit(.minutes(1))) struct DesignFileLimitTests {
    /// A folder with a design whose front has a logo `logo` (and a barcode).
    static func folder(logo: String = "logo.png", extraElements: Int = 0) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lg-limits-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let extra = String(
            repeating: #"{"type": "text", "text": "x", "x": 50, "y": 5, "width": 10, "size": 6},"#, count: extraElements
        )
        let design = #"""
            {"shopName": "Apotheek", "front": {"elements": [\#(extra)
             {"type": "logo", "file": "\#(logo)", "x": 4, "y": 4, "width": 14, "height": 14},
             {"type": "barcode", "x": 4, "y": 25, "width": 40, "height": 18}]}}
            """#
        try Data(design.utf8).write(to: folder.appendingPathComponent("design.json"))
        return folder
    }

    /// A PNG signature and IHDR chunk declaring `width` × `height`, then a few bytes of nothing:
    /// the header is all a decoder needs to allocate the whole image.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        func word(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += word(13) + Array("IHDR".utf8) + word(width) + word(height) + [8, 6, 0, 0, 0] + word(0)
        bytes += word(0) + Array("IEND".utf8) + word(0xAE42_6082)
        return Data(bytes)
    }

    @Test func aLogoThatIsAFIFOIsRefusedAtOnce() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logo = folder.appendingPathComponent("logo.png").path
        #expect(mkfifo(logo, 0o600) == 0)
        let error = #expect(throws: DesignError.self) {
            try CardRenderer(path: folder.appendingPathComponent("design.json").path)
        }
        #expect(
            error?.message
                == "The logo \(logo) is not a regular file (it is a FIFO (named pipe)): give the path of a file.")
    }

    @Test func aDesignFileThatIsADeviceOrFIFOIsRefusedAtOnce() throws {
        let error = #expect(throws: DesignError.self) { try CardRenderer(path: "/dev/zero") }
        #expect(error?.message.contains("is not a regular file (it is a character device)") == true)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo.json").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let fromFIFO = #expect(throws: DesignError.self) { try CardRenderer(path: fifo) }
        #expect(fromFIFO?.message.contains("FIFO") == true)
    }

    @Test func aPNGOf16000By16000PixelsIsRefusedFromItsHeaderBeforeDecoding() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.pngHeader(width: 16_000, height: 16_000).write(to: folder.appendingPathComponent("logo.png"))
        let error = #expect(throws: DesignError.self) {
            try CardRenderer(path: folder.appendingPathComponent("design.json").path)
        }
        #expect(
            error?.message
                == "The logo logo.png is 16000 × 16000 pixels; at most 4096 × 4096 are taken: scale it down.")
    }

    @Test func aLogoFileOverTenMegabytesIsRefused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var big = Self.pngHeader(width: 100, height: 100)
        big.append(Data(count: 11 << 20))
        try big.write(to: folder.appendingPathComponent("logo.png"))
        let error = #expect(throws: DesignError.self) {
            try CardRenderer(path: folder.appendingPathComponent("design.json").path)
        }
        #expect(error?.message.hasSuffix("is larger than 10 MB: make it smaller.") == true)
    }

    @Test func aRealLogoStillDrawsFromTheCheckedBytes() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/cards")
        try FileManager.default.copyItem(
            at: examples.appendingPathComponent("linde-logo.png"), to: folder.appendingPathComponent("logo.png"))
        let renderer = try CardRenderer(path: folder.appendingPathComponent("design.json").path)
        #expect(renderer.images.count == 1)
        let preview = folder.appendingPathComponent("preview.png").path
        try renderer.renderPreviewPNG(number: "2990001000018", dpi: 100, guides: false, to: preview)
        #expect(FileManager.default.fileExists(atPath: preview))
    }

    @Test func aSideOfMoreThan200ElementsIsRefused() throws {
        let folder = try Self.folder(extraElements: 1_000)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: DesignError.self) {
            try CardRenderer(path: folder.appendingPathComponent("design.json").path)
        }
        #expect(error?.message == "The front has 1002 elements; a side takes at most 200.")
    }
}
