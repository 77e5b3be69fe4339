import Foundation
import Logging

/// The core and the gateway log to stderr (the journal under systemd), at the level
/// `LOYALGATE_LOG` names (`debug`, `info`, ...; `info` by default).
enum Logs {
    static func bootstrap() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel =
                ProcessInfo.processInfo.environment["LOYALGATE_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            return handler
        }
    }
}
