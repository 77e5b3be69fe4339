import ArgumentParser
import Foundation
import LoyaltyStore

@main
struct Loyalgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loyalgate",
        abstract:
            "Loyalty cards for independent shops: the loyalty core, the device gateway, set-up and a till simulator.",
        version: "0.1.0",
        subcommands: [
            Core.self, GatewayCommand.self, DoctorCommand.self, ProgramCommand.self, CardCommand.self,
            CustomerCommand.self, ExportCommand.self, ReceiptCommand.self, Till.self,
        ])
}

/// Where state lives when no flag says: `./.loyalgate/` for a developer run (the contract).
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The core's data directory (database and keys).")
    var data: String = ".loyalgate"

    @Option(
        name: .long,
        help: "The personal-data key file; default DATA/keys/personal-data.key. Keep it out of database backups.")
    var key: String?

    func open() throws -> LedgerDatabase {
        // Whatever this process creates from now on (database, WAL, -shm, exports, temporary
        // PDFs) is its owner's alone; the store also makes its files 0600 itself. The socket
        // sets its own mode (0660).
        umask(0o077)
        return try LedgerDatabase(directory: URL(fileURLWithPath: data), keyPath: key)
    }
}
