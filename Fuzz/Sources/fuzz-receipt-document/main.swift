import Foundation
import FuzzSupport
import ReceiptEncoding

/// A receipt document as the gateway's `receipt.print` takes it from a till: refused with a
/// reason, or decoded, checked, rendered for a bundled printer model, and the bytes read back by
/// the interpreter, which refuses any command the encoder does not send. What decodes must read
/// back the same from its own encoding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReceiptDocument(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = FuzzInput(start, count).bytes
    let document: ReceiptDocument
    do {
        document = try ReceiptDocument.decode(json: Data(bytes), validate: true)
    } catch {
        return 0
    }
    roundTrip(document, "receipt document")
    let profile = profiles[bytes.count % profiles.count]
    let printed: [UInt8]
    do {
        printed = try ReceiptRenderer(profile: profile).render(document)
    } catch {
        return 0
    }
    do {
        _ = try ESCPOSInterpreter(profile: profile).interpret(printed)
    } catch {
        invariant(false, "\(profile.id): the renderer sent what the printer would not read: \(error)")
    }
    return 0
}

let profiles: [PrinterProfile] = [
    "epson-tm-t20ii", "epson-tm-t20iii", "epson-tm-t88iv", "epson-tm-t88v", "star-tsp650-escpos",
    "star-mcprint3-escpos", "generic-58mm",
].map { try! PrinterProfile.named($0) }
