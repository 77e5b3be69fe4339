import Foundation
import Gateway
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// The gateway's browser bridge (docs/browser-bridge.md): a WebSocket on a loopback address
/// through which a paired browser page is a till like any other, with the same ops and events as
/// the till socket (the gateway's own router answers them), and the core's till ops relayed for
/// the merchant the page was paired for. Served by Hummingbird with its WebSocket upgrade.
///
/// Who gets in: a page whose `Origin` is on the configuration's list (others get 403 and no
/// upgrade), and then only after its first message pairs it (a one-time code) or presents its
/// token. Nothing is sent to a page before that.
public struct BridgeService: Service {
    let gateway: GatewayService
    let configuration: GatewayConfiguration.Browser
    let logger: Logger

    public init(gateway: GatewayService, configuration: GatewayConfiguration.Browser, logger: Logger) {
        self.gateway = gateway
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let (host, port) = try configuration.address()
        let origins = Set(configuration.origins)
        let gateway = self.gateway, logger = self.logger

        let router = Router()
        router.get("/") { _, _ in
            "loyalgate browser bridge: pages connect a WebSocket to /bridge (docs/browser-bridge.md).\n"
        }
        // Reached only when the upgrade was refused: a page from an origin not on the list.
        router.get("/bridge") { request, _ -> Response in
            let origin = request.headers[.origin] ?? "none"
            return Response(
                status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(
                    byteBuffer: .init(
                        string:
                            "Pages from \(origin) may not use this gateway: add the origin to browser.origins in its configuration.\n"
                    )))
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade { request, _, _ in
                guard request.path == "/bridge" else { return .dontUpgrade }
                guard let origin = request.headerFields[.origin], origins.contains(origin) else {
                    logger.warning(
                        "browser bridge: a page from an origin not on the list was refused",
                        metadata: ["origin": "\(request.headerFields[.origin] ?? "none")"])
                    return .dontUpgrade
                }
                return .upgrade([:]) { inbound, outbound, _ in
                    let session = PageSession(
                        origin: origin, gateway: gateway, logger: logger)
                    await session.run(inbound: inbound, outbound: outbound)
                }
            },
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            logger: logger)
        logger.info(
            "browser bridge listening", metadata: ["address": "\(host):\(port)", "origins": "\(origins.sorted())"])
        try await app.run()
    }
}
