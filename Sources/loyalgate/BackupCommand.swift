import ArgumentParser
import Foundation
import LoyaltyStore

/// `loyalgate backup`: a consistent copy of the SQLite ledger while the core runs (SQLite's
/// online backup API). For PostgreSQL, `pg_dump` does this (docs/chain.md).
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the ledger to FILE while the core runs (SQLite's online backup; the key file is not in it).")

    @Option(name: [.customLong("data"), .customLong("dir")], help: "The core's data directory.")
    var data: String = ".loyalgate"
    @Option(help: "The backup file to create (never overwritten).") var to: String

    func run() throws {
        do {
            let size = try LedgerBackup.backup(folder: URL(fileURLWithPath: data), to: to)
            print("ledger backed up to \(to) (\(size) bytes, integrity checked)")
            print("the personal-data key (\(data)/keys/personal-data.key) is not in it: keep a copy of it apart")
        } catch let error as LedgerFileError {
            FileHandle.standardError.write(Data("loyalgate backup: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `loyalgate restore`: puts a backup in the data folder of a stopped core; the ledger it
/// replaces is moved aside, never deleted.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a ledger backup in the data folder (the core must be stopped); the old ledger is moved aside.")

    @Option(name: [.customLong("data"), .customLong("dir")], help: "The core's data directory.")
    var data: String = ".loyalgate"
    @Option(help: "The backup file made by `loyalgate backup`.") var from: String

    func run() throws {
        let folder = URL(fileURLWithPath: data)
        do {
            // Held while restoring: a core started meanwhile stops at its own lock.
            let lock = try DataFolderLock(folder: folder)
            let replaced = try LedgerBackup.restore(from: from, folder: folder)
            withExtendedLifetime(lock) {}
            print("ledger restored from \(from) into \(data)")
            if let replaced { print("the ledger it replaced is kept as \(replaced)") }
            print("run `loyalgate core verify --data \(data)` before starting the core")
        } catch let error as DataFolderLock.Held {
            FileHandle.standardError.write(
                Data("loyalgate restore: \(error.description) Restore only a stopped core.\n".utf8))
            throw ExitCode(1)
        } catch let error as LedgerFileError {
            FileHandle.standardError.write(Data("loyalgate restore: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
