import ServiceLifecycle

/// A JSON Lines server as a swift-service-lifecycle service: the process's `ServiceGroup`
/// handles SIGTERM and SIGINT in one place and asks the server to stop gracefully (stop
/// accepting, finish the requests in flight, remove the socket).
public struct LineServerService: Service {
    let server: JSONLineServer

    public init(_ server: JSONLineServer) {
        self.server = server
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            server.stop()
        }
    }
}
