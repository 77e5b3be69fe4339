import ArgumentParser
import Foundation
import Logging
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
            CustomerCommand.self, ExportCommand.self, ReceiptCommand.self, Till.self, CACommand.self,
            BackupCommand.self, RestoreCommand.self, WebCommand.self, RelayCommand.self, MigrateCommand.self,
            MailCommand.self, DrawCommand.self,
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

    /// Opens the ledger, migrating it (after a backup) when this version brings new migrations;
    /// the backup is logged to `logger`, or said on stderr by the set-up commands.
    func open(logger: Logger? = nil) throws -> LedgerDatabase {
        // Whatever this process creates from now on (database, WAL, -shm, exports, temporary
        // PDFs) is its owner's alone; the store also makes its files 0600 itself. The socket
        // sets its own mode (0660).
        umask(0o077)
        let database = try LedgerDatabase(directory: URL(fileURLWithPath: data), keyPath: key)
        if let backup = database.migrationBackup {
            let message =
                "ledger backed up to \(backup.path) before migrating it to \(backup.pending.joined(separator: ", ")); migrated"
            if let logger {
                logger.notice(
                    "\(message)",
                    metadata: [
                        "backup": "\(backup.path)", "from": "\(backup.applied.last ?? "")",
                        "migrations": "\(backup.pending.joined(separator: ","))",
                    ])
            } else {
                FileHandle.standardError.write(Data("loyalgate: \(message)\n".utf8))
            }
        }
        return database
    }
}
