/// German: the sign-in and the navigation so far; the rest falls back to English.
enum GermanText {
    static let entries: [String: String] = [
        "app.name": "loyalgate Backoffice",
        "login.title": "Anmelden",
        "login.user": "Benutzername",
        "login.password": "Passwort",
        "login.submit": "Anmelden",
        "login.failed": "Benutzername oder Passwort ist falsch.",
        "nav.dashboard": "Übersicht",
        "nav.customers": "Kunden",
        "nav.logout": "Abmelden",
        "role.owner": "Inhaber",
        "role.manager": "Filialleiter",
        "role.cashier": "Kassierer",
    ]
}
