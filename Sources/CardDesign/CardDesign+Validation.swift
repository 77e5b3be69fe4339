import Foundation

/// The checks a design passes before a single card number is allocated for it.
///
/// Only what needs no files or fonts is checked here; `CardRenderer` adds the logo, image and
/// glyph checks when it loads the design.
extension CardDesign {
    /// Elements on one side: far more than a card holds, few enough that the checks (each
    /// barcode against every element) stay instant.
    public static let maximumElements = 200

    public func validate() throws(DesignError) {
        guard !shopName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DesignError("The design has no shop name (\"shopName\").")
        }
        guard (0...5).contains(bleed) else { throw DesignError("The bleed is \(mm(bleed)) mm; give 0 to 5 mm.") }
        guard (0...15).contains(safeMargin) else {
            throw DesignError("The safe margin is \(mm(safeMargin)) mm; give 0 to 15 mm.")
        }
        let safe = Box.trim.inset(by: safeMargin)
        for (name, side) in sides where side.elements.count > Self.maximumElements {
            throw DesignError(
                "The \(name) has \(side.elements.count) elements; a side takes at most \(Self.maximumElements).")
        }
        for (name, side) in sides {
            for element in side.elements {
                let box = element.box
                guard box.width > 0, box.height > 0 else {
                    throw DesignError(
                        "The \(element.label) on the \(name) has no size: give it a width and height above 0.")
                }
                if case .text(let text) = element, text.text.isEmpty {
                    throw DesignError("A text on the \(name) is empty: remove it or give it a \"text\".")
                }
                if case .text(let text) = element, text.size < 4 || text.size > 40 {
                    throw DesignError(
                        "The \(element.label) on the \(name) is \(mm(text.size)) pt; card text is 4 to 40 pt.")
                }
                if case .number(let text) = element, text.size < 4 || text.size > 40 {
                    throw DesignError("The card number on the \(name) is \(mm(text.size)) pt; card text is 4 to 40 pt.")
                }
                // The quiet zone may reach towards the edge, but the bars, text and logos stay
                // inside the safe area where every card printer prints reliably.
                let inked: Box
                if case .barcode(let code) = element {
                    inked = try BarcodeLayout(code).bars
                    guard Box.trim.contains(box) else {
                        throw DesignError(
                            "The \(element.label) on the \(name) reaches past the card's edge: its quiet zone must be on the card."
                        )
                    }
                } else {
                    inked = box
                }
                guard safe.contains(inked) else {
                    throw DesignError(
                        "The \(element.label) on the \(name) is outside the safe area: keep it at least \(mm(safeMargin)) mm from the card's edge (its box is x \(mm(box.x)) to \(mm(box.maxX)), y \(mm(box.y)) to \(mm(box.maxY)) mm; the card is \(mm(CardGeometry.widthMM, places: 2)) × \(mm(CardGeometry.heightMM, places: 2)) mm)."
                    )
                }
            }
            // Anything drawn into a barcode's quiet zone makes it unreadable.
            for case .barcode(let code) in side.elements {
                for other in side.elements where other != .barcode(code) && other.box.intersects(code.box) {
                    throw DesignError(
                        "The \(other.label) on the \(name) overlaps the \(code.symbology.displayName) barcode or its quiet zone: move it out of x \(mm(code.x)) to \(mm(code.box.maxX)), y \(mm(code.y)) to \(mm(code.box.maxY)) mm."
                    )
                }
            }
        }
        guard sides.contains(where: { $0.side.elements.contains { if case .barcode = $0 { true } else { false } } })
        else {
            throw DesignError("The design has no barcode: a loyalty card needs one for the till's scanner.")
        }
    }

    /// `2990 0010 0001 8`: blocks of four from the left, as printed on most loyalty cards.
    public static func grouped(_ digits: String) -> String {
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, index % 4 == 0 { out.append(" ") }
            out.append(character)
        }
        return out
    }

    /// The text of an element for one card.
    public func text(of element: Element.Text, number: String, isNumber: Bool) -> String {
        if isNumber { return element.grouped ? Self.grouped(number) : number }
        return element.text.replacingOccurrences(of: "{shop}", with: shopName)
            .replacingOccurrences(of: "{number}", with: number)
    }
}
