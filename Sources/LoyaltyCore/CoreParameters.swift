import LoyaltyDomain
import LoyaltyStore

// The parameters of each core op as they arrive on the wire (docs/protocol.md).

struct CardParameters: Decodable {
    var merchant: String?
    var card: String
}

struct EarnParameters: Decodable {
    var merchant: String?
    var card: String
    var till: String
    var receipt: String
    var lines: [LineInput]
    var at: String?
}

struct RedeemParameters: Decodable {
    var merchant: String?
    var card: String
    var till: String
    var receipt: String
    var points: Int64?
    var amount: String?
    var reward: String?
    var purchaseTotal: String?
    var cash: Bool?
    var at: String?
}

struct ReturnParameters: Decodable {
    struct Original: Decodable {
        var till: String
        var receipt: String
    }

    var merchant: String?
    var till: String
    var receipt: String
    var original: Original
    var lines: [LineInput]
    var at: String?
}

struct HistoryParameters: Decodable {
    var merchant: String?
    var card: String
    var limit: Int?
}

struct MerchantParameters: Decodable {
    var merchant: String?
}

struct FindParameters: Decodable {
    var merchant: String?
    var phone: String?
    var email: String?
}

struct ActivateParameters: Decodable {
    var merchant: String?
    var card: String
    var customer: Int64?
}

struct BlockParameters: Decodable {
    var merchant: String?
    var card: String
    var reason: String?
}

struct ReplaceParameters: Decodable {
    var merchant: String?
    var card: String
    var reason: String
    var newCard: String?
}

struct PatientParameters: Decodable {
    var merchant: String?
    var card: String
    var patientRef: String?
}

struct PoolParameters: Decodable {
    var merchant: String?
    var card: String
    var into: String
}

struct SplitParameters: Decodable {
    var merchant: String?
    var card: String
    var points: Int64?
    var amount: String?
}

struct RegisterParameters: Decodable {
    var merchant: String?
    var details: CustomerDetails
    var consents: LedgerDatabase.Consents?
    var card: String?
}

struct UpdateParameters: Decodable {
    var merchant: String?
    var customer: Int64
    var details: CustomerPatch?
    var consents: LedgerDatabase.Consents?
}

struct CustomerParameters: Decodable {
    var merchant: String?
    var customer: Int64
}
