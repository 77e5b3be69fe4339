import Foundation

/// A shop's house style as its card design gives it: the brand colour (the card front's
/// background, or its first coloured text on a white card), a text colour that reads on it,
/// and the logo's PNG bytes. Shared by the cardholder's pages and the mails, so both look like
/// the card in the customer's wallet.
public struct HouseStyle: Sendable, Equatable {
    public var colour: String
    public var onColour: String
    public var logo: [UInt8]?

    public static let plain = HouseStyle(colour: "#1f4e79", onColour: "#ffffff", logo: nil)

    public init(colour: String, onColour: String, logo: [UInt8]?) {
        self.colour = colour
        self.onColour = onColour
        self.logo = logo
    }

    /// From a design whose files (the logo) are in `folder`; the plain style where the design
    /// names no colour.
    public init(design: CardDesign, folder: URL) {
        self = .plain
        var brand: Colour?
        if case .colour(let background) = design.front.background, background != .white { brand = background }
        for element in design.front.elements {
            switch element {
            case .logo(let logo):
                if self.logo == nil {
                    self.logo = FileManager.default.contents(
                        atPath: folder.appendingPathComponent(logo.file).path
                    ).map(Array.init)
                }
            case .text(let text):
                if brand == nil, text.colour != .white, text.colour != .black { brand = text.colour }
            default: break
            }
        }
        guard let brand else { return }
        colour = brand.description
        // WCAG's relative luminance, roughly: white text on a dark brand, dark text on a light one.
        let luminance = 0.2126 * brand.red + 0.7152 * brand.green + 0.0722 * brand.blue
        onColour = luminance < 0.55 ? "#ffffff" : "#1d2733"
    }

    /// Reads a design file (JSON); nil when it cannot be read.
    public static func load(designPath: String, relativeTo folder: URL? = nil) -> HouseStyle? {
        let url = URL(fileURLWithPath: designPath, relativeTo: folder)
        guard let bytes = FileManager.default.contents(atPath: url.path),
            let design = try? JSONDecoder().decode(CardDesign.self, from: bytes)
        else { return nil }
        return HouseStyle(design: design, folder: url.deletingLastPathComponent())
    }
}
