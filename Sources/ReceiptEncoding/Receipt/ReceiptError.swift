/// Why a receipt (or one command of it) cannot be printed, in words a cashier or a developer
/// can act on. `field` values are JSON paths into the receipt document, like `lines[3].amount`.
public enum ReceiptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// More item lines than `ReceiptDocument.maximumLines`.
    case tooManyLines(count: Int, limit: Int)
    /// An amount that is not a decimal string like "12.50".
    case invalidAmount(field: String, value: String)
    /// A quantity that is not a number like 2 or "0.75".
    case invalidQuantity(field: String, value: String)
    /// A footer barcode type other than EAN-13, CODE-128 and QR.
    case unknownBarcodeType(String)
    /// Barcode data the symbology cannot carry (wrong length, wrong check digit, bad characters).
    case invalidBarcodeData(symbology: String, data: String, reason: String)
    /// A loyalty card number that is not 4 to 32 digits.
    case invalidCardNumber(String)
    /// A required text is empty, or the document is not valid JSON of the receipt format.
    case invalidDocument(String)
    /// A barcode, QR code or image wider than the paper even at its smallest size.
    case symbolTooWide(symbology: String, dots: Int, available: Int)
    /// The printer cannot draw this symbol itself and no module matrix was supplied for it.
    case missingSymbolMatrix(symbology: String, printer: String)
    /// A supplied module matrix has the wrong shape.
    case invalidModuleMatrix(String)
    /// Image pixels that do not match the stated size and format.
    case invalidImage(String)
    /// The printer model lacks what was asked for.
    case unsupportedFeature(String, printer: String)
    /// A parameter outside the range the command accepts.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .tooManyLines(let count, let limit):
            "The receipt has \(count) item lines; at most \(limit) can be printed on one receipt."
        case .invalidAmount(let field, let value):
            "\(field) is \(value), which is not an amount: write money as a decimal string like \"12.50\"."
        case .invalidQuantity(let field, let value):
            "\(field) is \(value), which is not a quantity: write it like 2 or \"0.75\"."
        case .unknownBarcodeType(let type):
            "\"\(type)\" is not a barcode type this printer module knows: use EAN-13, CODE-128 or QR."
        case .invalidBarcodeData(let symbology, let data, let reason):
            "\"\(data)\" cannot be printed as \(symbology): \(reason)."
        case .invalidCardNumber(let number):
            "\"\(number)\" is not a card number: a card number is 4 to 32 digits."
        case .invalidDocument(let why):
            "The receipt cannot be read: \(why)"
        case .symbolTooWide(let symbology, let dots, let available):
            "The \(symbology) is \(dots) dots wide but the printer prints only \(available) dots per line: shorten the data."
        case .missingSymbolMatrix(let symbology, let printer):
            "\(printer) cannot draw \(symbology) itself and no module matrix was supplied to print it as an image."
        case .invalidModuleMatrix(let why):
            "The symbol's module matrix is unusable: \(why)."
        case .invalidImage(let why):
            "The image is unusable: \(why)."
        case .unsupportedFeature(let feature, let printer):
            "\(printer) does not support \(feature)."
        case .invalidArgument(let why):
            "Invalid print setting: \(why)."
        }
    }
}
