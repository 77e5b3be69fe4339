/// The fixed words the renderer prints itself (the loyalty block) and the decimal separator,
/// in the languages loyalgate's merchants use. Everything else on a receipt comes from the
/// document, already in the merchant's language.
struct ReceiptLabels: Sendable {
    var card: String
    var pointsEarned: String
    var pointsBalance: String
    var discountEarned: String
    var discountSpendable: String
    var decimalSeparator: Character

    /// Labels for `language` (unknown or nil: English), with `overrides` by key
    /// ("card", "pointsEarned", "pointsBalance", "discountEarned", "discountSpendable").
    init(language: String?, overrides: [String: String]? = nil) {
        switch language?.lowercased().prefix(2) {
        case "nl":
            self.init("Kaart", "Gespaarde punten", "Puntensaldo", "Gespaarde korting", "Besteedbare korting", ",")
        case "de":
            self.init("Karte", "Punkte gesammelt", "Punktestand", "Rabatt gesammelt", "Rabatt verfügbar", ",")
        case "nb", "no", "nn":
            self.init("Kort", "Opptjente poeng", "Poengsaldo", "Opptjent rabatt", "Rabatt til gode", ",")
        case "bg":
            self.init("Карта", "Спечелени точки", "Баланс точки", "Спечелена отстъпка", "Налична отстъпка", ",")
        default:
            self.init("Card", "Points earned", "Points balance", "Discount earned", "Discount to spend", ".")
        }
        guard let overrides else { return }
        card = overrides["card"] ?? card
        pointsEarned = overrides["pointsEarned"] ?? pointsEarned
        pointsBalance = overrides["pointsBalance"] ?? pointsBalance
        discountEarned = overrides["discountEarned"] ?? discountEarned
        discountSpendable = overrides["discountSpendable"] ?? discountSpendable
    }

    private init(
        _ card: String, _ earned: String, _ balance: String, _ discount: String, _ spendable: String,
        _ separator: Character
    ) {
        self.card = card
        pointsEarned = earned
        pointsBalance = balance
        discountEarned = discount
        discountSpendable = spendable
        decimalSeparator = separator
    }
}
