import CardDesign
import Foundation
import FuzzSupport

/// A card design file as `cards preview` and `cards batch` read it before drawing: refused with
/// a sentence, or decoded, checked, and read back the same from its own encoding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCardDesign(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(FuzzInput(start, count).bytes)
    let design: CardDesign
    do {
        design = try CardDesign.decode(data)
    } catch {
        invariant(!error.message.isEmpty, "a design was refused without a reason")
        return 0
    }
    roundTrip(design, "card design")
    do {
        try design.validate()
    } catch {
        invariant(!error.message.isEmpty, "a design was found wrong without a reason")
        return 0
    }
    for (_, side) in design.sides {
        for element in side.elements {
            invariant(element.box.width > 0 && element.box.height > 0, "a valid design has an element of no size")
        }
    }
    return 0
}
