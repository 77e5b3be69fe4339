import CoreMetrics
import LoyalgateProtocol

/// What the gateway counts (swift-metrics; `loyalgate gateway --metrics` serves them to
/// Prometheus), taken from the events it publishes, so a figure and what the tills saw never
/// disagree: scans by device and kind, rejected scans by device and reason, scanners present,
/// print jobs by printer and state; and whether the core link is up.
enum GatewayMetrics {
    static func published(_ event: GatewayEvent) {
        switch event {
        case .scan(let scan):
            Counter(
                label: "loyalgate_gateway_scans_total",
                dimensions: [("device", scan.device.id), ("kind", scan.kind.rawValue)]
            ).increment()
        case .scanRejected(let rejected):
            Counter(
                label: "loyalgate_gateway_scans_rejected_total",
                dimensions: [("device", rejected.device.id), ("reason", rejected.reason.rawValue)]
            ).increment()
        case .deviceAdded: Meter(label: "loyalgate_gateway_devices_present").increment()
        case .deviceRemoved: Meter(label: "loyalgate_gateway_devices_present").decrement()
        case .printJob(let job):
            Counter(
                label: "loyalgate_gateway_print_jobs_total",
                dimensions: [("printer", job.printer), ("state", job.state.rawValue)]
            ).increment()
        case .printerStatus: break
        }
    }

    /// 1 while the core answers, 0 while it is away.
    static func coreLink(connected: Bool) {
        Meter(label: "loyalgate_gateway_core_connected").set(connected ? 1 : 0)
    }
}
