import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore

/// A core with a real SQLite file in a fresh temporary folder, answered in-process: the request
/// line goes through the same wire encoding and `CoreService.answer` a socket would use, with no
/// socket and no child process.
struct InProcessCore {
    let directory: URL
    let store: LedgerDatabase
    let service: CoreService

    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    /// The core runs as uid 4242; other callers get what `policy` grants them (nothing without a
    /// rule). The default policy declares `till` (uid 5000) a till acting for any merchant.
    static let coreUID: UInt32 = 4242

    static let tillPolicy = AccessPolicy(callers: [.init(uid: 5000, role: .till)])

    init(programs: [String], policy: AccessPolicy = InProcessCore.tillPolicy) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loyalgate-core-\(UUID().uuidString)")
        store = try LedgerDatabase(directory: directory)
        for name in programs {
            let file = try ProgramFile.read(contentsOf: Self.examples.appendingPathComponent(name + ".json"))
            _ = try store.importProgram(file)
        }
        service = CoreService(store: store, policy: policy, coreUID: Self.coreUID)
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
