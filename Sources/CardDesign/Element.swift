/// One thing drawn on a card side. `type` in the file picks the case.
public enum Element: Sendable, Equatable, Codable {
    case logo(Logo)
    case text(Text)
    case number(Text)
    case barcode(Barcode)

    /// A PNG fitted into its box, keeping its proportions, centred.
    public struct Logo: Sendable, Equatable, Codable {
        public var file: String
        public var x: Double, y: Double, width: Double, height: Double
        public var box: Box { Box(x: x, y: y, width: width, height: height) }
    }

    /// One line of text; `{shop}` is replaced by the shop name. For `number` the text is the
    /// card number (`grouped`: in blocks of four, as people read it aloud).
    public struct Text: Sendable, Equatable, Codable {
        public var text: String
        public var x: Double
        /// The top of the line; the baseline sits one font ascent lower.
        public var y: Double
        /// The box the line must fit in; `align` places it inside.
        public var width: Double
        /// Font size in points.
        public var size: Double
        public var font: String
        public var bold: Bool
        public var colour: Colour
        public var align: Alignment
        public var grouped: Bool

        public enum Alignment: String, Sendable, Codable { case left, centre, right }

        /// The line's box, a font size plus a little for descenders high.
        public var box: Box { Box(x: x, y: y, width: width, height: size * 1.25 / CardGeometry.pointsPerMM) }

        enum CodingKeys: String, CodingKey { case text, x, y, width, size, font, bold, colour, align, grouped }

        public init(
            text: String, x: Double, y: Double, width: Double, size: Double, font: String = "DejaVu Sans",
            bold: Bool = false, colour: Colour = .black, align: Alignment = .left, grouped: Bool = false
        ) {
            self.text = text
            self.x = x
            self.y = y
            self.width = width
            self.size = size
            self.font = font
            self.bold = bold
            self.colour = colour
            self.align = align
            self.grouped = grouped
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            text = try c.decodeIfPresent(String.self, forKey: .text) ?? ""
            x = try c.decode(Double.self, forKey: .x)
            y = try c.decode(Double.self, forKey: .y)
            width = try c.decode(Double.self, forKey: .width)
            size = try c.decode(Double.self, forKey: .size)
            font = try c.decodeIfPresent(String.self, forKey: .font) ?? "DejaVu Sans"
            bold = try c.decodeIfPresent(Bool.self, forKey: .bold) ?? false
            colour = try c.decodeIfPresent(Colour.self, forKey: .colour) ?? .black
            align = try c.decodeIfPresent(Alignment.self, forKey: .align) ?? .left
            grouped = try c.decodeIfPresent(Bool.self, forKey: .grouped) ?? false
        }
    }

    /// The card number's barcode. The box includes the quiet zones, which are painted
    /// `background` (white unless given) so that a dark card still scans.
    public struct Barcode: Sendable, Equatable, Codable {
        public var symbology: CardBarcodeKind
        public var x: Double, y: Double, width: Double, height: Double
        public var background: Colour
        public var box: Box { Box(x: x, y: y, width: width, height: height) }

        enum CodingKeys: String, CodingKey { case symbology, x, y, width, height, background }

        public init(
            symbology: CardBarcodeKind = .ean13, x: Double, y: Double, width: Double, height: Double,
            background: Colour = .white
        ) {
            self.symbology = symbology
            self.x = x
            self.y = y
            self.width = width
            self.height = height
            self.background = background
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            symbology = try c.decodeIfPresent(CardBarcodeKind.self, forKey: .symbology) ?? .ean13
            x = try c.decode(Double.self, forKey: .x)
            y = try c.decode(Double.self, forKey: .y)
            width = try c.decode(Double.self, forKey: .width)
            height = try c.decode(Double.self, forKey: .height)
            background = try c.decodeIfPresent(Colour.self, forKey: .background) ?? .white
        }
    }

    enum Kind: String, Codable { case logo, text, number, barcode }
    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let kindText = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch Kind(rawValue: kindText) {
        case .logo: self = .logo(try Logo(from: decoder))
        case .text: self = .text(try Text(from: decoder))
        case .number: self = .number(try Text(from: decoder))
        case .barcode: self = .barcode(try Barcode(from: decoder))
        case nil:
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\"\(kindText)\" is not an element type: use logo, text, number or barcode."))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: TypeKey.self)
        switch self {
        case .logo(let logo):
            try c.encode(Kind.logo, forKey: .type)
            try logo.encode(to: encoder)
        case .text(let text):
            try c.encode(Kind.text, forKey: .type)
            try text.encode(to: encoder)
        case .number(let text):
            try c.encode(Kind.number, forKey: .type)
            try text.encode(to: encoder)
        case .barcode(let code):
            try c.encode(Kind.barcode, forKey: .type)
            try code.encode(to: encoder)
        }
    }

    public var box: Box {
        switch self {
        case .logo(let logo): logo.box
        case .text(let text), .number(let text): text.box
        case .barcode(let code): code.box
        }
    }

    public var label: String {
        switch self {
        case .logo(let logo): "logo \(logo.file)"
        case .text(let text): "text \"\(text.text)\""
        case .number: "card number"
        case .barcode(let code): "\(code.symbology.displayName) barcode"
        }
    }
}
