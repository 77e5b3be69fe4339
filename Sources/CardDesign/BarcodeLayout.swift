/// Where a barcode's bars go inside its box, and whether they can scan there.
///
/// The bars fill the box's width less the quiet zones, so a wider box gives wider modules;
/// the box must be wide enough for the smallest module a till scanner reads.
public struct BarcodeLayout: Sendable, Equatable {
    public var symbology: CardBarcodeKind
    /// The bars (or QR modules) alone, without quiet zones, in mm on the card.
    public var bars: Box
    public var moduleMM: Double

    public init(_ barcode: Element.Barcode) throws(DesignError) {
        let symbology = barcode.symbology
        let box = barcode.box
        let name = symbology.displayName
        if symbology.isTwoDimensional {
            let side = min(box.width, box.height)
            moduleMM = side / Double(symbology.totalModules)
            let quiet = moduleMM * Double(symbology.quietZone.left)
            bars = Box(
                x: box.x + (box.width - side) / 2 + quiet, y: box.y + (box.height - side) / 2 + quiet,
                width: side - 2 * quiet, height: side - 2 * quiet)
        } else {
            moduleMM = box.width / Double(symbology.totalModules)
            bars = Box(
                x: box.x + moduleMM * Double(symbology.quietZone.left), y: box.y,
                width: moduleMM * Double(symbology.modules), height: box.height)
        }
        self.symbology = symbology
        guard moduleMM >= symbology.minimumModuleMM - 1e-9 else {
            let needed = Double(symbology.totalModules) * symbology.minimumModuleMM
            throw DesignError(
                "The \(name) barcode does not fit: it needs a box at least \(mm(needed)) mm "
                    + (symbology.isTwoDimensional ? "square" : "wide")
                    + " (\(symbology.totalModules) modules of at least \(mm(symbology.minimumModuleMM, places: 3)) mm, quiet zones included); its box is \(mm(box.width)) × \(mm(box.height)) mm."
            )
        }
        let minimumHeight = symbology.minimumHeightMM(symbolWidthMM: bars.width)
        guard symbology.isTwoDimensional || bars.height >= minimumHeight - 1e-9 else {
            throw DesignError(
                "The \(name) barcode is too low to scan: its bars need at least \(mm(minimumHeight)) mm of height; its box is \(mm(box.height)) mm high."
            )
        }
    }
}

func mm(_ value: Double, places: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text[text.index(after: dot)...].count
        if decimals < places { text += String(repeating: "0", count: places - decimals) }
    }
    return text
}
