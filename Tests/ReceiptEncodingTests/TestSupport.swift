import Foundation

@testable import ReceiptEncoding

/// Bytes from a hex listing such as "1B 40 0A"; spaces and line breaks are ignored.
func hex(_ listing: String) -> [UInt8] {
    let digits = listing.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd number of hex digits in \(listing)")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

/// ASCII text as bytes, for the plain parts of expected output.
func ascii(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

func profile(_ id: String) throws -> PrinterProfile {
    try PrinterProfile.named(id)
}

/// An encoder for `id` with nothing sent yet.
func encoder(_ id: String) throws -> ESCPOSEncoder {
    ESCPOSEncoder(profile: try profile(id))
}

/// A profile that exists only in tests: a printer with the given code pages and features.
func customProfile(
    codePages: [Int: String], command: CodePageCommand = .escT, dots: Int = 384, columns: Int = 32,
    features: PrinterFeatures = PrinterFeatures(
        fullCut: true, partialCut: true, qrCode: true, barcodes: true, barcodeFunctionB: true, rasterImage: true,
        drawerPulse: true)
) -> PrinterProfile {
    PrinterProfile(
        id: "test", vendor: "Test", name: "Test printer", dotsPerLine: dots, dpi: 203, paperWidthMM: 58,
        printWidthMM: 48, fonts: FontColumns(fontA: columns, fontB: columns + 10), codePageCommand: command,
        codePages: codePages, features: features
    )
}
