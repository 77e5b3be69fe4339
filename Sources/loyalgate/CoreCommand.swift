import ArgumentParser
import CardBatches
import ChainCA
import Dispatch
import Foundation
import Logging
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import ServiceLifecycle
import SocketServer
import UnixSignals

struct Core: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract:
            "The loyalty core: owns the database and serves core ops on a Unix socket (and mutual TLS with --listen-tls).",
        subcommands: [Serve.self, Verify.self, Init.self],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve", abstract: "Serve core ops (the default: `loyalgate core --data DIR --socket PATH`).")

        @OptionGroup var data: DataOptions
        @OptionGroup var chain: ChainDatabaseOptions

        @Option(help: "The Unix socket to serve on.")
        var socket: String = ".loyalgate/core.sock"

        @Option(help: "The access file mapping callers (uid, gid) to roles; default DATA/access.json if present.")
        var access: String?

        @OptionGroup var connections: ServerLimitOptions
        @OptionGroup var metrics: MetricsOptions
        @OptionGroup var tls: TLSServerOptions

        @Option(
            help:
                "The folder of the shop's card designs (JSON) the back office may print batches with; default DATA/designs if present."
        )
        var designs: String?
        @Option(name: .customLong("card-option"), help: "A CUPS job option name=value for card jobs (repeatable).")
        var cardOptions: [String] = []

        func run() async throws {
            Logs.bootstrap()
            let logger = Logger(label: "loyalgate.core")
            // Before anything records a figure: swift-metrics binds each metric when it is made.
            let metricsServices = try metrics.services(logger: logger)
            // Before the database or the socket is touched: a second core on this folder stops
            // here and leaves the first one's socket alone.
            let lock = try DataFolderLock(folder: URL(fileURLWithPath: data.data))
            let database: any LedgerStore
            let closeDatabase: () async throws -> Void
            if let postgres = try await chain.open(
                logger: logger, keyPath: data.key ?? data.data + "/keys/personal-data.key")
            {
                database = postgres
                closeDatabase = { await postgres.close() }
            } else {
                let sqlite = try data.open(logger: logger)
                database = sqlite
                closeDatabase = { try sqlite.close() }
            }
            let accessPath = access ?? data.data + "/access.json"
            let policy =
                access != nil || FileManager.default.fileExists(atPath: accessPath)
                ? try AccessPolicy.load(path: accessPath) : .empty
            let tlsListener = try tls.listener()
            if let tlsListener, tlsListener.revocationPath == nil {
                // Allowed (a chain that has revoked nothing yet), but a stolen till's certificate
                // would then be good until it expires: the technician should know.
                logger.warning(
                    "TLS without a revocation list: every unexpired certificate of the CA is accepted; give --tls-revoked (the CA's revoked.json)"
                )
            }
            // Beside the personal-data key, made the first time (0600): it signs the cardholder page's links.
            let tokens = try CardholderTokens.load(path: data.data + "/keys/cardholder-token.key")
            // Card batches for the back office, on either store: the batches and their cards
            // are in the database, the designs and the card printer's queue on this machine.
            let designsPath = designs ?? data.data + "/designs"
            var cardPrinting: CardPrintingDesk?
            if let batches = database as? any CardBatchStore,
                designs != nil || FileManager.default.fileExists(atPath: designsPath)
            {
                cardPrinting = CardPrintingDesk(
                    database: batches, designs: URL(fileURLWithPath: designsPath),
                    jobOptions: try parseJobOptions(cardOptions), say: { logger.info("\($0)") })
            }
            let service = CoreService(
                store: database, policy: policy, cardPrinting: cardPrinting, logger: logger,
                tokens: tokens)
            // One handler for both listeners: a TLS caller is who its certificate names, a
            // Unix-socket caller who the kernel says it is.
            let handler: JSONLineServer.Handler = { line, connection in
                let caller: CoreService.Caller?
                if let holder = connection.certificate {
                    caller = CoreService.Caller(certificate: .init(role: holder.role, merchant: holder.merchant))
                } else {
                    caller = connection.peer.map { CoreService.Caller(uid: $0.uid, gid: $0.gid, groups: $0.groups) }
                }
                return await service.answer(line: line, caller: caller)
            }
            let server = JSONLineServer(path: socket, limits: connections.limits, logger: logger, handler: handler)
            var services = metricsServices + [.init(service: LineServerService(server), serviceName: "core socket")]
            if let tlsListener {
                let tlsServer = JSONLineServer(
                    listener: .tls(tlsListener), limits: connections.limits, logger: logger, handler: handler)
                services.append(.init(service: LineServerService(tlsServer), serviceName: "core TLS listener"))
            }
            // SIGTERM and SIGINT stop the servers gracefully; the database closes after the last answer.
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            try await closeDatabase()
            withExtendedLifetime(lock) { logger.info("stopped") }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check the database file (SQLite's integrity check) and recompute every balance from the ledger; exit 1 on any problem."
        )

        @OptionGroup var data: DataOptions
        @OptionGroup var chain: ChainDatabaseOptions

        func run() async throws {
            let report: VerifyReport
            if let postgres = try await chain.open(logger: Logger(label: "loyalgate.core.verify")) {
                report = try await postgres.verifyReport()
                await postgres.close()
            } else {
                report = try data.open().verify()
            }
            print(
                "checked \(report.accounts) accounts, \(report.transactions) till transactions, \(report.entries) ledger entries"
            )
            for problem in report.fileProblems { print("DAMAGED: \(problem)") }
            for difference in report.differences { print("DIFFERENCE: \(difference)") }
            if !report.fileProblems.isEmpty {
                print(
                    "the database file is damaged: stop the core and restore the ledger from your latest backup (docs/protocol.md, Faults)"
                )
            }
            guard report.problems.isEmpty else { throw ExitCode(1) }
            if chain.database == nil { print("database file sound (SQLite integrity and foreign-key checks)") }
            print("ledger consistent: every balance equals the sum of its entries")
        }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Set up a chain's PostgreSQL database as its owner: the schema, and the login role cores connect as (no UPDATE or DELETE on ledger entries)."
        )

        @OptionGroup var chain: ChainDatabaseOptions

        @Option(help: "The role the cores connect as; created when missing, its grants reset.")
        var coreRole: String = "loyalgate_core"

        @Option(help: "The core role's password (omit where the server authenticates it otherwise, e.g. peer or cert).")
        var corePassword: String?

        func run() async throws {
            guard let ledger = try await chain.open(logger: Logger(label: "loyalgate.core.init")) else {
                throw ValidationError("core init sets up PostgreSQL: give --database postgres://owner@host/db")
            }
            do {
                try await ledger.grantCore(role: coreRole, password: corePassword)
            } catch {
                await ledger.close()
                throw PostgresLedger.described(error)
            }
            await ledger.close()
            print("schema up to date; role \(coreRole) may read and append, never change or delete ledger entries")
        }
    }
}

/// `--database postgres://...`: a chain's PostgreSQL instead of the SQLite file in `--data`.
struct ChainDatabaseOptions: ParsableArguments {
    @Option(
        help:
            "A chain's PostgreSQL database, postgres://user[:password]@host[:port]/database, instead of the SQLite ledger in --data (docs/chain.md)."
    )
    var database: String?

    /// The PostgreSQL store, migrated, or nil for the SQLite default. With `keyPath` the
    /// customer ops seal and open personal data with that key (every core of a chain uses the
    /// same key file).
    func open(logger: Logger, keyPath: String? = nil) async throws -> PostgresLedger? {
        guard let database else { return nil }
        umask(0o077)
        return try await PostgresLedger.connect(url: database, keyPath: keyPath, logger: logger)
    }
}
