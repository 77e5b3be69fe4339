/// The ID-1 card (ISO/IEC 7810, "CR80") and the unit conversions the renderers share.
///
/// Design files speak millimetres because that is what a print shop's spec sheet gives;
/// cairo and PDF speak PostScript points (1/72 inch).
public enum CardGeometry {
    public static let widthMM = 85.60
    public static let heightMM = 53.98
    public static let pointsPerMM = 72.0 / 25.4

    public static var widthPoints: Double { widthMM * pointsPerMM }
    public static var heightPoints: Double { heightMM * pointsPerMM }

    public static func points(_ millimetres: Double) -> Double { millimetres * pointsPerMM }
}

/// A rectangle in millimetres from the card's top-left trim corner, y growing downwards.
public struct Box: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    /// Inset on every side; negative grows the box (the bleed around the trim).
    public func inset(by amount: Double) -> Box {
        Box(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    /// With a hundredth of a millimetre of slack: design files are typed by people.
    public func contains(_ other: Box) -> Bool {
        other.x >= x - 0.01 && other.y >= y - 0.01 && other.maxX <= maxX + 0.01 && other.maxY <= maxY + 0.01
    }

    public func intersects(_ other: Box) -> Bool {
        x < other.maxX - 0.01 && other.x < maxX - 0.01 && y < other.maxY - 0.01 && other.y < maxY - 0.01
    }

    public static let trim = Box(x: 0, y: 0, width: CardGeometry.widthMM, height: CardGeometry.heightMM)
}
