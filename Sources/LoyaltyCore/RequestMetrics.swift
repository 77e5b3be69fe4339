import CoreMetrics

/// What the core counts (swift-metrics; `loyalgate core --metrics` serves them to Prometheus):
/// requests by op and outcome (`ok` or the error code) and their latency by op. Only known op
/// names become labels, so a caller sending made-up ops cannot grow the metrics without bound.
enum RequestMetrics {
    static func record(op: String, outcome: String, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let name = CoreService.handlers[op] == nil ? "unknown" : op
        Counter(label: "loyalgate_core_requests_total", dimensions: [("op", name), ("outcome", outcome)]).increment()
        Timer(label: "loyalgate_core_request_duration_seconds", dimensions: [("op", name)]).recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
