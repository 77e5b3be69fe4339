/// Where a print job is, as CUPS reports it.
public struct JobStatus: Sendable, Equatable {
    public enum State: Int32, Sendable {
        case pending = 3
        case held, processing, stopped, cancelled, aborted, completed

        /// The job will not change any more.
        public var isFinal: Bool { self == .cancelled || self == .aborted || self == .completed }
    }

    public var id: Int
    public var state: State
    /// IPP job-state-reasons, e.g. `job-incoming` while the document is still arriving.
    public var reasons: [String]
    /// The scheduler's or driver's last words about the job.
    public var message: String

    public init(id: Int, state: State, reasons: [String] = [], message: String = "") {
        self.id = id
        self.state = state
        self.reasons = reasons
        self.message = message
    }
}

/// A job found by its title (see `PrintConnection.jobs(on:titled:)`).
public struct JobSummary: Sendable, Equatable {
    public var id: Int
    public var title: String
    public var state: JobStatus.State
}
