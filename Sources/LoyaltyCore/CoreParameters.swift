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
