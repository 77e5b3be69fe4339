/// The fixed words the renderer prints itself (the loyalty block) and the decimal separator,
/// in the languages loyalgate's merchants use. Everything else on a receipt comes from the
/// document, already in the merchant's language.
struct ReceiptLabels: Sendable {
    var card: String
    var pointsEarned: String
    var pointsBalance: String
    var discountEarned: String
    var discountSpendable: String
    var discountBalance: String
    var prepaidBalance: String
    var stamps: String
    var voucher: String
    /// Printed when the gateway could not fetch the card's balances.
    var balanceUnavailable: String
    /// The programme's end; `{date}` is the last day.
    var programEnds: String
    var decimalSeparator: Character

    /// Labels for `language` (unknown or nil: English), with `overrides` by key
    /// ("card", "pointsEarned", "pointsBalance", "discountEarned", "discountSpendable",
    /// "discountBalance", "prepaidBalance", "stamps", "voucher", "balanceUnavailable", "programEnds").
    init(language: String?, overrides: [String: String]? = nil) {
        switch language?.lowercased().prefix(2) {
        case "nl":
            self.init("Kaart", "Gespaarde punten", "Puntensaldo", "Gespaarde korting", "Besteedbare korting", ",")
            (discountBalance, prepaidBalance) = ("Kortingssaldo", "Prepaid tegoed")
            (stamps, voucher) = ("Stempels", "Waardebon")
            balanceUnavailable = "Het saldo kon niet worden opgehaald."
            programEnds = "Het spaarprogramma stopt op {date}."
        case "de":
            self.init("Karte", "Punkte gesammelt", "Punktestand", "Rabatt gesammelt", "Rabatt verfügbar", ",")
            (discountBalance, prepaidBalance) = ("Rabattguthaben", "Prepaid-Guthaben")
            (stamps, voucher) = ("Stempel", "Gutschein")
            balanceUnavailable = "Der Kontostand konnte nicht abgerufen werden."
            programEnds = "Das Bonusprogramm endet am {date}."
        case "nb", "no", "nn":
            self.init("Kort", "Opptjente poeng", "Poengsaldo", "Opptjent rabatt", "Rabatt til gode", ",")
            (discountBalance, prepaidBalance) = ("Rabattsaldo", "Forhåndsbetalt saldo")
            (stamps, voucher) = ("Stempler", "Kupong")
            balanceUnavailable = "Saldoen kunne ikke hentes."
            programEnds = "Fordelsprogrammet avsluttes {date}."
        case "bg":
            self.init("Карта", "Спечелени точки", "Баланс точки", "Спечелена отстъпка", "Налична отстъпка", ",")
            (discountBalance, prepaidBalance) = ("Натрупана отстъпка", "Предплатена сума")
            (stamps, voucher) = ("Печати", "Ваучер")
            balanceUnavailable = "Балансът не можа да бъде зареден."
            programEnds = "Програмата за лоялност приключва на {date}."
        default:
            self.init("Card", "Points earned", "Points balance", "Discount earned", "Discount to spend", ".")
        }
        guard let overrides else { return }
        card = overrides["card"] ?? card
        pointsEarned = overrides["pointsEarned"] ?? pointsEarned
        pointsBalance = overrides["pointsBalance"] ?? pointsBalance
        discountEarned = overrides["discountEarned"] ?? discountEarned
        discountSpendable = overrides["discountSpendable"] ?? discountSpendable
        discountBalance = overrides["discountBalance"] ?? discountBalance
        prepaidBalance = overrides["prepaidBalance"] ?? prepaidBalance
        stamps = overrides["stamps"] ?? stamps
        voucher = overrides["voucher"] ?? voucher
        balanceUnavailable = overrides["balanceUnavailable"] ?? balanceUnavailable
        programEnds = overrides["programEnds"] ?? programEnds
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
        // English until the language's own words are set (init(language:)).
        discountBalance = "Discount balance"
        prepaidBalance = "Prepaid balance"
        stamps = "Stamps"
        voucher = "Voucher"
        balanceUnavailable = "The balance could not be fetched."
        programEnds = "The loyalty programme ends on {date}."
    }
}
