import ArgumentParser
import Logging
import MetricsEndpoint
import ServiceLifecycle

/// `--metrics HOST:PORT` on the core and the gateway: Prometheus metrics at
/// http://HOST:PORT/metrics, loopback only (docs/metrics.md).
struct MetricsOptions: ParsableArguments {
    @Option(help: "Serve Prometheus metrics at http://HOST:PORT/metrics on a loopback address, e.g. 127.0.0.1:9471.")
    var metrics: String?

    func validate() throws {
        guard let metrics else { return }
        do { _ = try LoopbackAddress(metrics) } catch { throw ValidationError("--metrics: \(error)") }
    }

    /// The endpoint service when `--metrics` is given (swift-metrics then records into it);
    /// none otherwise, and every figure the modules record costs nothing.
    func services(logger: Logger) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        guard let metrics else { return [] }
        let endpoint = PrometheusEndpoint(
            address: try LoopbackAddress(metrics), registry: PrometheusEndpoint.bootstrap(), logger: logger)
        return [.init(service: endpoint, serviceName: "metrics")]
    }
}
