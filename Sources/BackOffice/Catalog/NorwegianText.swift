/// Norwegian (bokmål): the sign-in and the navigation so far; the rest falls back to English.
enum NorwegianText {
    static let entries: [String: String] = [
        "app.name": "loyalgate backoffice",
        "login.title": "Logg inn",
        "login.user": "Brukernavn",
        "login.password": "Passord",
        "login.submit": "Logg inn",
        "login.failed": "Brukernavnet eller passordet er feil.",
        "nav.dashboard": "Oversikt",
        "nav.customers": "Kunder",
        "nav.logout": "Logg ut",
        "role.owner": "eier",
        "role.manager": "leder",
        "role.cashier": "kasserer",
    ]
}
