import FuzzSupport
import ReceiptEncoding

/// Any byte stream through the ESC/POS interpreter behind `receipt render --preview` and the
/// receipt tests, for each bundled printer model: read, or refused with the offset of what it
/// cannot read; never a trap, and every picture it reads back has as many bytes as its size says.
///
/// Input: one byte choosing the printer model, then the stream.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzESCPOS(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let interpreter = interpreters[Int(input.byte()) % interpreters.count]
    let stream = input.rest()
    let printed: PrintedReceipt
    do {
        printed = try interpreter.interpret(stream)
    } catch {
        return 0
    }
    for case .raster(let bitmap) in printed.elements {
        invariant(
            bitmap.data.count == bitmap.bytesPerRow * bitmap.height,
            "a raster of \(bitmap.width)x\(bitmap.height) dots with \(bitmap.data.count) bytes")
    }
    return 0
}

/// Made once: an interpreter builds its code page tables when made.
let interpreters: [ESCPOSInterpreter] = [
    "epson-tm-t20ii", "epson-tm-t20iii", "epson-tm-t88iv", "epson-tm-t88v", "star-tsp650-escpos",
    "star-mcprint3-escpos", "generic-58mm",
].map { ESCPOSInterpreter(profile: try! PrinterProfile.named($0)) }
