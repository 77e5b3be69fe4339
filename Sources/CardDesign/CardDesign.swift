import Foundation

/// A shop's card in its house style: the JSON design file described in docs/card-design.md.
///
/// Positions are millimetres from the top-left corner of the trimmed ID-1 card. Files named in
/// the design (logo, background image) are relative to the design file's folder.
public struct CardDesign: Sendable, Equatable, Codable {
    /// Printed where a text says `{shop}`.
    public var shopName: String
    /// How far the background runs past the trim edge, for printers and shops that cut or
    /// print edge-to-edge with overspray; shown on previews. Default 2 mm.
    public var bleed: Double
    /// Nothing but background within this distance of the trim edge. Default 3 mm.
    public var safeMargin: Double
    public var front: Side
    /// Optional: a batch then prints two pages per card, front then back.
    public var back: Side?

    public init(shopName: String, bleed: Double = 2, safeMargin: Double = 3, front: Side, back: Side? = nil) {
        self.shopName = shopName
        self.bleed = bleed
        self.safeMargin = safeMargin
        self.front = front
        self.back = back
    }

    enum CodingKeys: String, CodingKey { case shopName, bleed, safeMargin, front, back }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        shopName = try c.decode(String.self, forKey: .shopName)
        bleed = try c.decodeIfPresent(Double.self, forKey: .bleed) ?? 2
        safeMargin = try c.decodeIfPresent(Double.self, forKey: .safeMargin) ?? 3
        front = try c.decode(Side.self, forKey: .front)
        back = try c.decodeIfPresent(Side.self, forKey: .back)
    }

    public var sides: [(name: String, side: Side)] {
        [("front", front)] + (back.map { [("back", $0)] } ?? [])
    }

    public struct Side: Sendable, Equatable, Codable {
        public var background: Background
        public var elements: [Element]

        public init(background: Background = .colour(.white), elements: [Element]) {
            self.background = background
            self.elements = elements
        }

        enum CodingKeys: String, CodingKey { case background, elements }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            background = try c.decodeIfPresent(Background.self, forKey: .background) ?? .colour(.white)
            elements = try c.decodeIfPresent([Element].self, forKey: .elements) ?? []
        }
    }

    /// `{"colour": "#RRGGBB"}` or `{"image": "file.png"}`; an image is scaled to cover the bleed.
    public enum Background: Sendable, Equatable, Codable {
        case colour(Colour)
        case image(String)

        enum CodingKeys: String, CodingKey { case colour, image }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let image = try c.decodeIfPresent(String.self, forKey: .image) {
                self = .image(image)
            } else if let colour = try c.decodeIfPresent(Colour.self, forKey: .colour) {
                self = .colour(colour)
            } else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "A background has a \"colour\" or an \"image\"."))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .colour(let colour): try c.encode(colour, forKey: .colour)
            case .image(let file): try c.encode(file, forKey: .image)
            }
        }
    }

    /// What a design says about one of its files, for messages.
    public static func decode(_ data: Data) throws(DesignError) -> CardDesign {
        do {
            return try JSONDecoder().decode(CardDesign.self, from: data)
        } catch let error as DecodingError {
            throw DesignError(DesignError.describe(error))
        } catch {
            throw DesignError("The design file cannot be read: \(error).")
        }
    }
}
