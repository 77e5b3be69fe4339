import Foundation
import FuzzSupport
import LoyaltyDomain

/// A program file as `loyalgate program import` and `program check` read it: refused with a
/// sentence, or accepted, checked, and read back the same from its own encoding (the core stores
/// a program version as its encoding).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProgramFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(FuzzInput(start, count).bytes)
    let file: ProgramFile
    do {
        file = try ProgramFile.decode(data)
    } catch {
        invariant(!error.message.isEmpty, "a program file was refused without a reason")
        return 0
    }
    roundTrip(file, "program file")
    guard let encoded = canonicalJSON(file) else { return 0 }
    do {
        _ = try ProgramFile.decode(encoded)
    } catch {
        invariant(false, "an accepted program file is refused once encoded: \(error.message)")
    }
    return 0
}
