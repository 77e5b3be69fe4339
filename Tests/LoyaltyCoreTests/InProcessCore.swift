import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import Testbed

/// A core with a real ledger, answered in-process: the request line goes through the same wire
/// encoding and `CoreService.answer` a socket would use, with no socket and no child process.
/// The ledger is a SQLite file in a fresh temporary folder, or (`open(.postgres, ...)`) a fresh
/// database on the test process's own PostgreSQL server, so the same op test runs on both.
struct InProcessCore {
    let kind: StoreKind
    let directory: URL
    let store: any LedgerStore
    let service: CoreService
    private let postgres: Connection?

    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    /// The core runs as uid 4242; other callers get what `policy` grants them (nothing without a
    /// rule). The default policy declares `till` (uid 5000) a till acting for any merchant.
    static let coreUID: UInt32 = 4242

    static let tillPolicy = AccessPolicy(callers: [.init(uid: 5000, role: .till)])

    /// A core on a SQLite file.
    init(programs: [String], policy: AccessPolicy = InProcessCore.tillPolicy) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loyalgate-core-\(UUID().uuidString)")
        let database = try LedgerDatabase(directory: directory)
        for name in programs { _ = try database.importProgram(try Self.program(name)) }
        kind = .sqlite
        store = database
        postgres = nil
        service = CoreService(store: database, policy: policy, coreUID: Self.coreUID)
    }

    private init(kind: StoreKind, directory: URL, postgres: PostgresLedger, policy: AccessPolicy) {
        self.kind = kind
        self.directory = directory
        self.store = postgres
        self.postgres = Connection(ledger: postgres)
        service = CoreService(store: postgres, policy: policy, coreUID: Self.coreUID)
    }

    /// A core on either store, with the example `programs` imported.
    static func open(_ kind: StoreKind, programs: [String], policy: AccessPolicy = InProcessCore.tillPolicy)
        async throws -> InProcessCore
    {
        guard kind == .postgres else { return try InProcessCore(programs: programs, policy: policy) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loyalgate-core-\(UUID().uuidString)")
        let database = try PostgresServer.shared().database()
        let ledger = try await PostgresLedger.connect(
            url: database.url, keyPath: directory.appendingPathComponent("keys/personal-data.key").path)
        for name in programs { _ = try await ledger.storeProgram(try Self.program(name)) }
        return InProcessCore(kind: kind, directory: directory, postgres: ledger, policy: policy)
    }

    static func program(_ name: String) throws -> ProgramFile {
        try ProgramFile.read(contentsOf: examples.appendingPathComponent(name + ".json"))
    }

    /// Registers cards directly in the ledger, each on an account of its own (set-up, as
    /// `loyalgate cards add`).
    func addCards(merchant: String?, numbers: [CardNumber], status: CardStatus = .active, member: Bool = false)
        async throws
    {
        if let postgres {
            try await postgres.ledger.addCards(merchant: merchant, numbers: numbers, status: status, member: member)
        } else {
            try (store as! LedgerDatabase).addCards(
                merchant: merchant, numbers: numbers, status: status, member: member)
        }
    }

    /// `loyalgate core verify` on the ledger.
    func verify() async throws -> VerifyReport {
        if let postgres { return try await postgres.ledger.verifyReport() }
        return try store.verify()
    }

    /// The PostgreSQL store's connections, closed when the test's last copy of the core goes.
    private final class Connection: Sendable {
        let ledger: PostgresLedger
        init(ledger: PostgresLedger) { self.ledger = ledger }
        deinit {
            let ledger = ledger
            Task { await ledger.close() }
        }
    }

    /// The back office: the core's own user.
    static let backOffice = CoreService.Caller(uid: coreUID, gid: coreUID)
    /// A till program running as another user.
    static let till = CoreService.Caller(uid: 5000, gid: 5000)

    /// Calls `op` as `caller`; the answer, or the contract's error.
    func call<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters, as caller: CoreService.Caller = backOffice)
        async
        -> Result<Op.Answer, LoyaltyError>
    {
        let line = await service.answer(line: Frame.request(op, id: .number(7), parameters).dropLast(), caller: caller)
        let answer = Frame.answer(Op.Answer.self, from: line)
        if answer.id != .number(7) {
            return .failure(LoyaltyError(.internalError, "answered with id \(String(describing: answer.id))"))
        }
        return answer.result
    }

    /// The answer of a call that must succeed.
    func ok<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters, as caller: CoreService.Caller = backOffice)
        async throws
        -> Op.Answer
    {
        try await call(op, parameters, as: caller).get()
    }

    /// The error code of a call that must fail (nil when it succeeded).
    func refusal<Op: WireOperation>(
        _ op: Op.Type, _ parameters: Op.Parameters, as caller: CoreService.Caller = backOffice
    ) async
        -> LoyaltyError.Code?
    {
        if case .failure(let error) = await call(op, parameters, as: caller) { return error.code }
        return nil
    }

    /// A raw line, for what no typed client would send.
    func answer(raw line: String, as caller: CoreService.Caller = backOffice) async -> [String: Any] {
        let data = await service.answer(line: Data(line.utf8), caller: caller)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    func card(_ prefix: String, _ serial: Int64) -> String { try! CardNumber(prefix: prefix, serial: serial).digits }
}
