import Foundation
import LoyaltyDomain
import Testing

@testable import BackOffice

@Suite struct CatalogTests {
    @Test func everyEnglishTextHasADutchOne() {
        let english = Set(Language.english.entries.keys)
        let dutch = Set(Language.dutch.entries.keys)
        #expect(english.subtracting(dutch).sorted() == [])
        #expect(dutch.subtracting(english).sorted() == [])
    }

    @Test func otherLanguagesOnlyTranslateKeysEnglishHas() {
        let english = Set(Language.english.entries.keys)
        for language in Language.allCases {
            #expect(Set(language.entries.keys).subtracting(english).sorted() == [], "\(language)")
        }
    }

    @Test func aMissingTranslationFallsBackToEnglish() {
        let german = Catalog(.german)
        #expect(german.text("login.title") == "Anmelden")
        #expect(german.text("card.replace.noFee") == "No fee was charged.")
    }

    @Test func placeholdersAreFilled() {
        #expect(Catalog(.dutch).text("card.title", ["card": "2990001000018"]) == "Kaart 2990001000018")
    }

    @Test func acceptLanguagePicksTheFirstKnownLanguage() {
        #expect(Language.preferred(acceptLanguage: "fr-FR,nl;q=0.8,en;q=0.5") == .dutch)
        #expect(Language.preferred(acceptLanguage: "nb-NO") == .norwegian)
        #expect(Language.preferred(acceptLanguage: "no") == .norwegian)
        #expect(Language.preferred(acceptLanguage: "ja") == .english)
        #expect(Language.preferred(acceptLanguage: nil) == .english)
    }

    @Test func rolesMayWhatTheirJobNeeds() {
        #expect(StaffRole.cashier.may(.cardLife))
        #expect(!StaffRole.cashier.may(.erase))
        #expect(!StaffRole.cashier.may(.exportCustomer))
        #expect(StaffRole.manager.may(.erase))
        #expect(!StaffRole.manager.may(.audit))
        #expect(StaffRole.owner.may(.audit))
    }
}

@Suite struct MoneyTextTests {
    let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    @Test func amountsInEachLanguagesConventions() {
        #expect(MoneyText(language: .english, timeZone: amsterdam).amount("1234.50", currency: "EUR") == "€1,234.50")
        #expect(
            MoneyText(language: .dutch, timeZone: amsterdam).amount("1234.50", currency: "EUR") == "€\u{00A0}1.234,50")
        #expect(MoneyText(language: .german, timeZone: amsterdam).amount("-2.00", currency: "EUR") == "-2,00\u{00A0}€")
        #expect(
            MoneyText(language: .norwegian, timeZone: amsterdam).amount("1234567.00", currency: "NOK")
                == "1\u{00A0}234\u{00A0}567,00\u{00A0}kr")
        #expect(MoneyText(language: .english, timeZone: amsterdam).amount("5", currency: "JPY") == "JPY5")
    }

    @Test func aStringThatIsNotAnAmountIsShownAsItCame() {
        let text = MoneyText(language: .dutch, timeZone: amsterdam)
        #expect(text.amount("1e5", currency: "EUR") == "1e5")
        #expect(text.amount("", currency: "EUR") == "")
        #expect(text.amount("1.2.3", currency: "EUR") == "1.2.3")
    }

    @Test func instantsInTheMerchantsTimeZone() {
        // 12:05 UTC in summer is 14:05 in Amsterdam.
        #expect(MoneyText(language: .dutch, timeZone: amsterdam).instant("2026-04-30T12:05:00Z") == "30-04-2026 14:05")
        #expect(
            MoneyText(language: .english, timeZone: TimeZone(identifier: "Europe/Oslo")!).instant(
                "2026-01-10T23:30:00.250Z") == "2026-01-11 00:30")
        #expect(MoneyText(language: .german, timeZone: amsterdam).instant("yesterday") == "yesterday")
    }
}

@Suite struct FormValidationTests {
    @Test func aGoodFormHasNoProblems() {
        let form = CustomerForm(fields: [
            "name": " Anna de Vries ", "email": "anna@example.nl", "phone": "+31 6 1234 5678",
            "birthDate": "1980-04-30", "card": "2990 0010 0001 8", "consentMail": "on",
        ])
        #expect(form.problems(cardAllowed: true).isEmpty)
        #expect(form.name == "Anna de Vries")
        #expect(form.card == "2990001000018")
        #expect(form.consentMail && !form.consentProfiling)
    }

    @Test func eachBadFieldGetsItsOwnMessage() {
        let form = CustomerForm(fields: [
            "name": "", "email": "anna.example.nl", "phone": "12", "birthDate": "1980-02-30", "card": "2990001000019",
            "postcode": String(repeating: "1", count: 17),
        ])
        let problems = form.problems(cardAllowed: true)
        #expect(problems["name"] == FieldError("field.required"))
        #expect(problems["email"] == FieldError("field.email"))
        #expect(problems["phone"] == FieldError("field.phone"))
        #expect(problems["birthDate"] == FieldError("field.date"))
        #expect(problems["card"] == FieldError("field.card"))
        #expect(problems["postcode"] == FieldError("field.tooLong", ["max": "16"]))
    }

    @Test func controlCharactersAreRefused() {
        let form = CustomerForm(fields: ["name": "Anna\u{1B}[2J"])
        #expect(form.problems(cardAllowed: false)["name"] == FieldError("field.control"))
    }

    @Test func theSearchBoxTellsCardsPhonesAndEmailsApart() {
        #expect(CustomerQuery("2990001000018") == .card("2990001000018"))
        #expect(CustomerQuery("2990 0010 0001 8") == .card("2990001000018"))
        #expect(CustomerQuery("+31 6 1234 5678") == .phone("+31 6 1234 5678"))
        #expect(CustomerQuery("anna@example.nl") == .email("anna@example.nl"))
        #expect(CustomerQuery("anna") == nil)
        #expect(CustomerQuery("   ") == nil)
    }
}

@Suite struct ProgramCheckTests {
    static let good = """
        {
          "merchant": {
            "code": "apotheek-de-linde",
            "name": "Apotheek De Linde",
            "currency": "EUR",
            "timeZone": "Europe/Amsterdam"
          },
          "program": {
            "points": { "per": "1.00", "points": 1 }
          }
        }
        """

    @Test func aGoodFileHasNoProblems() {
        let check = ProgramCheck(text: Self.good)
        #expect(check.problems.isEmpty)
        #expect(check.file?.merchant.code == "apotheek-de-linde")
    }

    @Test func aBadValueIsPlacedOnItsLine() {
        let check = ProgramCheck(text: Self.good.replacingOccurrences(of: "\"EUR\"", with: "\"EURO\""))
        #expect(check.problems.count == 1)
        #expect(check.problems.first?.line == 5)
        #expect(check.problems.first?.message.hasPrefix("merchant.currency:") == true)
    }

    @Test func aProgramFieldIsFoundUnderProgram() {
        let check = ProgramCheck(text: Self.good.replacingOccurrences(of: "\"points\": 1 }", with: "\"points\": 0 }"))
        #expect(check.problems.first?.line == 9, "\(check.problems)")
    }

    @Test func aWrongTypeIsPlacedOnItsLine() {
        let check = ProgramCheck(
            text: Self.good.replacingOccurrences(of: "\"points\": 1 }", with: "\"points\": \"one\" }"))
        #expect(check.problems.first?.line == 9, "\(check.problems)")
    }

    @Test func textThatIsNotJSONHasNoLine() {
        let check = ProgramCheck(text: "{ nope")
        #expect(check.problems.count == 1 && check.problems.first?.line == nil)
    }
}
