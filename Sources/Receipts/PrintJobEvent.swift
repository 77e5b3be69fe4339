/// A `print.job` event: where a receipt is (docs/receipts.md).
public struct PrintJobEvent: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable {
        case queued, printing, completed, failed
    }

    /// The gateway's job id (the same for every attempt of one idempotency key).
    public var job: String
    public var printer: String
    public var state: State
    /// Why it failed, for the cashier; also set while `printing` when the printer needs a person.
    public var reason: String?
    /// 1 for the first attempt, 2 after a till retried a failed job, ...
    public var attempt: Int

    public init(job: String, printer: String, state: State, reason: String? = nil, attempt: Int) {
        self.job = job
        self.printer = printer
        self.state = state
        self.reason = reason
        self.attempt = attempt
    }
}
