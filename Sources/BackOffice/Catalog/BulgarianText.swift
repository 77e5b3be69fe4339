/// Bulgarian: the sign-in and the navigation so far; the rest falls back to English.
enum BulgarianText {
    static let entries: [String: String] = [
        "app.name": "loyalgate бекофис",
        "login.title": "Вход",
        "login.user": "Потребителско име",
        "login.password": "Парола",
        "login.submit": "Вход",
        "login.failed": "Грешно потребителско име или парола.",
        "nav.dashboard": "Табло",
        "nav.customers": "Клиенти",
        "nav.logout": "Изход",
        "role.owner": "собственик",
        "role.manager": "управител",
        "role.cashier": "касиер",
    ]
}
