import ArgumentParser
import Foundation
import LoyalgateProtocol
import PrinterUSB
import ReceiptEncoding
import Receipts

/// `loyalgate receipt`: receipts without the gateway, for developers and technicians.
struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Render receipts to ESC/POS or a preview PNG, list printer models, read a USB printer's status.",
        subcommands: [Render.self, Models.self, Status.self])

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write the ESC/POS bytes of a receipt document (docs/receipts.md) for a printer model, and optionally a preview PNG."
        )

        @Argument(help: "The receipt document (JSON).") var file: String
        @Option(name: .customLong("printer-model"), help: "A printer model id (`loyalgate receipt models`).")
        var printerModel: String
        @Option(name: [.short, .long], help: "Where the bytes go; - for standard output.") var out: String = "-"
        @Option(help: "Also write a PNG of what the printer would print.") var preview: String?
        @Option(
            help: "A merchant template (JSON: merchantName, addressLines, logo) that replaces the document's header.")
        var template: String?

        func run() throws {
            let templateValue = try template.map { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("Cannot read the template \(path).")
                }
                do { return try JSONDecoder().decode(ReceiptHeader.self, from: data) } catch {
                    throw ValidationError("\(path) is not a receipt template: it needs at least \"merchantName\".")
                }
            }
            guard let json = FileManager.default.contents(atPath: file) else {
                throw ValidationError("Cannot read \(file).")
            }
            do {
                let composer = try ReceiptComposer(model: printerModel, template: templateValue)
                let document = try composer.document(json: json)
                // A logo name is a file beside the template or, without one, beside the document.
                let base = URL(fileURLWithPath: template ?? file).deletingLastPathComponent()
                let logo = document.header?.logo.map { $0.hasPrefix("/") ? $0 : base.appendingPathComponent($0).path }
                let bytes = try composer.render(document, logoPath: logo)
                if out == "-" {
                    FileHandle.standardOutput.write(Data(bytes))
                } else {
                    try Data(bytes).write(to: URL(fileURLWithPath: out))
                }
                if let preview {
                    try ReceiptPreview(profile: composer.profile).writePNG(bytes: bytes, to: preview)
                }
            } catch let error as ReceiptsError {
                throw ValidationError("\(error.code.rawValue): \(error.message)")
            }
        }
    }

    struct Models: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the printer models (profiles from escpos-printer-db, CC BY 4.0).")

        func run() throws {
            let catalog = try ProfileCatalog.bundled()
            for profile in catalog.profiles {
                let aliases = profile.aliases.isEmpty ? "" : " (also " + profile.aliases.joined(separator: ", ") + ")"
                print(
                    "\(profile.id)\(aliases): \(profile.name), \(profile.dotsPerLine) dots, \(profile.fonts.fontA)/\(profile.fonts.fontB) columns"
                )
            }
            print(catalog.attribution)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a USB receipt printer for its real-time status (DLE EOT) through libusb.")

        @Option(help: "VID:PID, VID:PID:SERIAL or /dev/bus/usb/BBB/DDD.") var usb: String
        @Flag(help: "Print the status as one JSON object.") var json = false

        func run() throws {
            do {
                let status = try USBStatusReader(device: USBDeviceID(usb)).read()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    print(
                        String(
                            decoding: try encoder.encode(PrinterStatusUpdate(printer: usb, status: status)),
                            as: UTF8.self))
                } else {
                    print(PrinterStatusUpdate(printer: usb, status: status).summary)
                }
            } catch let error as PrinterUSBError {
                throw ValidationError(error.description)
            }
        }
    }
}
