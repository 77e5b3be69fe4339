/// Reads an ESC/POS byte stream the way the printer of `profile` would, for the preview PNG and
/// for tests that check what a customer reads rather than which bytes carry it.
///
/// It knows the commands `ESCPOSEncoder` sends (and rejects everything else, so a stray byte is
/// a failure, not a silently wrong picture). Text bytes ≥ 0x80 are decoded with the table the
/// last `ESC t n` (or Star's `ESC GS t n`) selected, using the same glibc iconv tables the encoder
/// built, so a wrong table number shows up as wrong characters.
public struct ESCPOSInterpreter: Sendable {
    public let profile: PrinterProfile
    /// Table number to (byte to character) for the profile's usable pages.
    private let decoding: [UInt8: [UInt8: Unicode.Scalar]]

    public init(profile: PrinterProfile) {
        self.profile = profile
        var decoding: [UInt8: [UInt8: Unicode.Scalar]] = [:]
        for (number, name) in profile.codePages {
            guard let table = CodePageCatalog.tables[name], let key = UInt8(exactly: number) else { continue }
            decoding[key] = Dictionary(table.bytes.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        }
        self.decoding = decoding
    }

    private struct State {
        var style = TextStyle()
        var alignment: Alignment = .left
        var table: UInt8?
        var runs: [TextRun] = []
        var barcodeHeight = 162
        var barcodeModuleWidth = 3
        var humanReadable = false
        var qrModuleSize = 3
        var qrData: [UInt8] = []

        mutating func append(_ scalar: Unicode.Scalar) {
            if let last = runs.last, last.style == style {
                runs[runs.count - 1].text.unicodeScalars.append(scalar)
            } else {
                runs.append(TextRun(text: String(scalar), style: style))
            }
        }
    }

    public func interpret(_ bytes: [UInt8]) throws(InterpreterError) -> PrintedReceipt {
        var result = PrintedReceipt()
        var state = State()
        var index = 0

        func need(_ count: Int, at start: Int) throws(InterpreterError) {
            guard index + count <= bytes.count else { throw .truncated(offset: start) }
        }
        func endLine() {
            if !state.runs.isEmpty { result.elements.append(.text(state.runs, alignment: state.alignment)) }
            state.runs = []
        }
        func appendRaster(_ bitmap: MonochromeBitmap) {
            if case .raster(let previous)? = result.elements.last, previous.width == bitmap.width {
                result.elements[result.elements.count - 1] = .raster(
                    MonochromeBitmap(
                        width: bitmap.width, height: previous.height + bitmap.height, data: previous.data + bitmap.data)
                )
            } else {
                result.elements.append(.raster(bitmap))
            }
        }

        while index < bytes.count {
            let start = index
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x0A:
                if state.runs.isEmpty {
                    result.elements.append(.text([], alignment: state.alignment))
                } else {
                    endLine()
                }
            case 0x20..<0x7F:
                state.append(Unicode.Scalar(byte))
            case 0x80...0xFF:
                guard let table = state.table else { throw .textWithoutCodePage(offset: start, byte: byte) }
                guard let scalar = decoding[table]?[byte] else {
                    throw .unknownCharacter(offset: start, table: table, byte: byte)
                }
                state.append(scalar)
            case 0x1B:
                try need(1, at: start)
                let command = bytes[index]
                index += 1
                switch command {
                case 0x40:  // ESC @
                    endLine()
                    let keep = (state.barcodeHeight, state.barcodeModuleWidth)
                    state = State()
                    (state.barcodeHeight, state.barcodeModuleWidth) = keep
                case 0x45:  // ESC E n
                    try need(1, at: start)
                    state.style.bold = bytes[index] & 1 == 1
                    index += 1
                case 0x2D:  // ESC - n
                    try need(1, at: start)
                    state.style.underline = bytes[index] & 3 != 0 && bytes[index] != 0x30
                    index += 1
                case 0x4D:  // ESC M n
                    try need(1, at: start)
                    state.style.font = bytes[index] & 1 == 1 ? .b : .a
                    index += 1
                case 0x61:  // ESC a n
                    try need(1, at: start)
                    switch bytes[index] {
                    case 0, 0x30: state.alignment = .left
                    case 1, 0x31: state.alignment = .center
                    case 2, 0x32: state.alignment = .right
                    default: throw .badParameters(offset: start, "ESC a \(bytes[index])")
                    }
                    index += 1
                case 0x74:  // ESC t n
                    try need(1, at: start)
                    guard profile.codePageCommand == .escT else {
                        throw .unknownCommand(offset: start, bytes: Array(bytes[start..<index]))
                    }
                    state.table = bytes[index]
                    index += 1
                case 0x1D:  // ESC GS t n (Star)
                    try need(2, at: start)
                    guard bytes[index] == 0x74, profile.codePageCommand == .escGSt else {
                        throw .unknownCommand(offset: start, bytes: Array(bytes[start..<index + 1]))
                    }
                    state.table = bytes[index + 1]
                    index += 2
                case 0x64:  // ESC d n
                    try need(1, at: start)
                    endLine()
                    result.elements.append(.feed(lines: Int(bytes[index])))
                    index += 1
                case 0x70:  // ESC p m t1 t2
                    try need(3, at: start)
                    result.elements.append(.drawerPulse(pin: bytes[index] & 1 == 0 ? 2 : 5))
                    index += 3
                default:
                    throw .unknownCommand(offset: start, bytes: [byte, command])
                }
            case 0x1D:
                try need(1, at: start)
                let command = bytes[index]
                index += 1
                switch command {
                case 0x21:  // GS ! n
                    try need(1, at: start)
                    state.style.widthMultiplier = Int(bytes[index] >> 4) + 1
                    state.style.heightMultiplier = Int(bytes[index] & 0x0F) + 1
                    index += 1
                case 0x68:
                    try need(1, at: start)
                    state.barcodeHeight = Int(bytes[index])
                    index += 1
                case 0x77:
                    try need(1, at: start)
                    state.barcodeModuleWidth = Int(bytes[index])
                    index += 1
                case 0x48:
                    try need(1, at: start)
                    state.humanReadable = bytes[index] & 3 != 0
                    index += 1
                case 0x66:
                    try need(1, at: start)
                    index += 1
                case 0x56:  // GS V m [n]
                    try need(1, at: start)
                    let mode = bytes[index]
                    index += 1
                    if mode == 65 || mode == 66 {
                        try need(1, at: start)
                        index += 1
                    }
                    endLine()
                    result.elements.append(.cut(partial: mode == 1 || mode == 49 || mode == 66))
                case 0x6B:  // GS k
                    try need(1, at: start)
                    let type = bytes[index]
                    index += 1
                    let data: [UInt8]
                    if type >= 65 {
                        try need(1, at: start)
                        let count = Int(bytes[index])
                        index += 1
                        try need(count, at: start)
                        data = Array(bytes[index..<index + count])
                        index += count
                    } else {
                        guard let end = bytes[index...].firstIndex(of: 0) else { throw .truncated(offset: start) }
                        data = Array(bytes[index..<end])
                        index = end + 1
                    }
                    let symbology: String
                    var text = String(decoding: data, as: UTF8.self)
                    switch type {
                    case 2, 67: symbology = "EAN-13"
                    case 73:
                        symbology = "CODE-128"
                        text = Self.code128Text(data)
                    default: throw .badParameters(offset: start, "barcode type \(type) is not one loyalgate sends")
                    }
                    endLine()
                    result.elements.append(
                        .barcode(
                            symbology: symbology, data: text, height: state.barcodeHeight,
                            moduleWidth: state.barcodeModuleWidth,
                            humanReadable: state.humanReadable, alignment: state.alignment))
                case 0x28:  // GS ( k
                    try need(4, at: start)
                    guard bytes[index] == 0x6B else {
                        throw .unknownCommand(offset: start, bytes: Array(bytes[start...index]))
                    }
                    let length = Int(bytes[index + 1]) | Int(bytes[index + 2]) << 8
                    index += 3
                    try need(length, at: start)
                    let body = Array(bytes[index..<index + length])
                    index += length
                    guard body.count >= 2, body[0] == 49 else {
                        throw .badParameters(offset: start, "GS ( k for a symbol other than QR")
                    }
                    switch body[1] {
                    case 67: if body.count > 2 { state.qrModuleSize = Int(body[2]) }
                    case 80: state.qrData = Array(body.dropFirst(3))
                    case 81:
                        endLine()
                        result.elements.append(
                            .qrCode(
                                data: String(decoding: state.qrData, as: UTF8.self), moduleSize: state.qrModuleSize,
                                alignment: state.alignment))
                    default: break  // model and error correction change nothing visible here
                    }
                case 0x76:  // GS v 0 m xL xH yL yH
                    try need(6, at: start)
                    guard bytes[index] == 0x30 else {
                        throw .unknownCommand(offset: start, bytes: Array(bytes[start...index]))
                    }
                    let bytesPerRow = Int(bytes[index + 2]) | Int(bytes[index + 3]) << 8
                    let rows = Int(bytes[index + 4]) | Int(bytes[index + 5]) << 8
                    index += 6
                    guard bytesPerRow > 0, rows > 0, bytesPerRow * 8 <= profile.dotsPerLine else {
                        throw .badParameters(
                            offset: start,
                            "a \(bytesPerRow * 8)×\(rows) raster image on a \(profile.dotsPerLine)-dot printer")
                    }
                    try need(bytesPerRow * rows, at: start)
                    endLine()
                    appendRaster(
                        MonochromeBitmap(
                            width: bytesPerRow * 8, height: rows, data: Array(bytes[index..<index + bytesPerRow * rows])
                        ))
                    index += bytesPerRow * rows
                default:
                    throw .unknownCommand(offset: start, bytes: [byte, command])
                }
            default:
                throw .unknownCommand(offset: start, bytes: [byte])
            }
        }
        endLine()
        return result
    }

    /// Code 128 data as sent to `GS k 73` is `{B`/`{C`/`{A` then the data (code set C as one
    /// byte per digit pair); this returns the text it encodes.
    static func code128Text(_ data: [UInt8]) -> String {
        var text = ""
        var codeSet: UInt8 = 0x42
        var index = 0
        while index < data.count {
            if data[index] == 0x7B, index + 1 < data.count {
                if data[index + 1] == 0x7B { text.append("{") } else { codeSet = data[index + 1] }
                index += 2
                continue
            }
            if codeSet == 0x43 {
                let pair = String(data[index])
                text += pair.count == 1 ? "0" + pair : pair
            } else {
                text.unicodeScalars.append(Unicode.Scalar(data[index]))
            }
            index += 1
        }
        return text
    }
}
