import ArgumentParser
import Foundation
import Logging
import LoyaltyDomain
import LoyaltyStore
import Mail
import PostgresStore

struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail", abstract: "Mail to customers: the outbox and its sending pass (docs/mail.md).",
        subcommands: [Run.self, Unsubscribe.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "One pass: record today's birthday mails, send every due mail at each merchant's rate, retry 4xx answers with backoff. Run by loyalgate-mail.timer."
        )
        @OptionGroup var data: DataOptions
        @OptionGroup var chain: ChainDatabaseOptions
        @Option(help: "The merchants' mail settings; default DATA/mail.json.") var config: String?
        @Option(help: "Only this merchant.") var merchant: String?

        func run() async throws {
            var settings = try MailConfig.load(path: config ?? data.data + "/mail.json")
            if let merchant {
                guard let one = settings.merchants[merchant] else {
                    throw ValidationError("\(merchant) has no mail settings in the mail settings file.")
                }
                settings.merchants = [merchant: one]
            }
            // A chain's outbox on PostgreSQL: passes on several hosts at once each claim their
            // own mails (row locks), so no folder lock; the key is the cores' (docs/chain.md).
            if let postgres = try await chain.open(
                logger: Logger(label: "loyalgate.mail"), keyPath: data.key ?? data.data + "/keys/personal-data.key")
            {
                let summaries: [MailRun.Summary]
                do {
                    summaries = try await MailRun(database: postgres, config: settings).run()
                } catch {
                    await postgres.close()
                    throw PostgresLedger.described(error)
                }
                await postgres.close()
                print(try PrettyJSON.text(summaries))
                if summaries.contains(where: { $0.error != nil }) { throw ExitCode(1) }
                return
            }
            // Two passes at once (the timer's and a technician's) would requeue each other's
            // mails in flight and send them twice: one pass per data folder, held until exit.
            let lock: DataFolderLock
            do {
                lock = try DataFolderLock(folder: URL(fileURLWithPath: data.data), fileName: "mail.lock")
            } catch is DataFolderLock.Held {
                print("another mail pass is running; this one sends nothing")
                return
            }
            let summaries = try await MailRun(database: try data.open(), config: settings).run()
            withExtendedLifetime(lock) {}
            print(try PrettyJSON.text(summaries))
            // The other merchants' mail went out; the timer's unit still shows the failure.
            if summaries.contains(where: { $0.error != nil }) { throw ExitCode(1) }
        }
    }

    struct Unsubscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a customer's mail consent off from the token of an unsubscribe link (the t= parameter).")
        @OptionGroup var data: DataOptions
        @OptionGroup var chain: ChainDatabaseOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Argument(help: "The token.") var token: String

        func run() async throws {
            if let postgres = try await chain.open(
                logger: Logger(label: "loyalgate.mail"), keyPath: data.key ?? data.data + "/keys/personal-data.key")
            {
                let customer: Int64
                do {
                    customer = try await postgres.unsubscribe(merchant: merchant, token: token)
                } catch {
                    await postgres.close()
                    throw PostgresLedger.described(error)
                }
                await postgres.close()
                print("customer \(customer) no longer receives mail")
                return
            }
            let customer = try await data.open().unsubscribe(merchant: merchant, token: token)
            print("customer \(customer) no longer receives mail")
        }
    }
}
