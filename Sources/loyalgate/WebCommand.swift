import ArgumentParser
import BackOffice
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import WebServer

/// `loyalgate web --core SOCKET --listen HOST:PORT`: the back office in a browser (docs/web.md).
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "The shop's back office in a browser: a web server that talks to the core (docs/web.md).",
        subcommands: [Serve.self, User.self],
        defaultSubcommand: Serve.self)

    struct StateOptions: ParsableArguments {
        @Option(help: "The web's own folder (staff accounts, staff.json, mode 0600).")
        var state: String = ".loyalgate/web"
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve", abstract: "Serve the back office (the default: `loyalgate web --core … --listen …`).")

        @Option(help: "The core's socket.") var core: String = ".loyalgate/core.sock"
        @Option(help: "HOST:PORT to listen on; plain HTTP only on a loopback address.")
        var listen: String = "127.0.0.1:8080"
        @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS.") var tlsCert: String?
        @Option(name: .customLong("tls-key"), help: "PEM private key of the certificate.") var tlsKey: String?
        @Option(name: .customLong("time-zone"), help: "The merchant's time zone for dates (default: the system's).")
        var timeZone: String?
        @Flag(
            name: .customLong("behind-proxy"),
            help: "A reverse proxy on this machine sets X-Real-IP: use it for the sign-in throttle.")
        var behindProxy = false
        @Option(help: "The till PC gateway's browser bridge for the till page, e.g. ws://127.0.0.1:9473/bridge.")
        var bridge: String?
        @Option(name: .customLong("receipt-printer"), help: "The gateway's receipt printer the till page prints on.")
        var receiptPrinter: String?
        @Option(
            help:
                "The cardholder pages' settings (card designs, the widget's sites; docs/cardholder.md); default STATE/cardholder.json if present."
        )
        var cardholder: String?
        @OptionGroup var state: StateOptions

        func run() async throws {
            Logs.bootstrap()
            let logger = Logger(label: "loyalgate.web")
            let (host, port) = try Self.address(listen)
            guard (tlsCert == nil) == (tlsKey == nil) else {
                throw ValidationError("Give both --tls-cert and --tls-key, or neither.")
            }
            if tlsCert == nil, !Self.isLoopback(host) {
                throw ValidationError(
                    "Plain HTTP is served only on a loopback address (127.0.0.1, ::1, localhost): give --tls-cert and --tls-key to listen on \(host), or put a reverse proxy with HTTPS in front (docs/web.md)."
                )
            }
            var zone = TimeZone.current
            if let timeZone {
                guard let named = TimeZone(identifier: timeZone) else {
                    throw ValidationError("\(timeZone) is not a time zone (e.g. Europe/Amsterdam).")
                }
                zone = named
            }
            umask(0o077)
            let staff = try StaffAccounts(folder: state.state)
            if staff.all.isEmpty {
                logger.warning(
                    "no staff accounts yet: add the first owner with `loyalgate web user add`",
                    metadata: ["file": "\(staff.path)"])
            }
            let cardholderPath = cardholder ?? state.state + "/cardholder.json"
            let settings =
                cardholder != nil || FileManager.default.fileExists(atPath: cardholderPath)
                ? try CardholderSettings.load(path: cardholderPath) : CardholderSettings()
            let web = try WebApp(
                configuration: WebConfiguration(
                    coreSocket: core, host: host, port: port, tlsCertificate: tlsCert, tlsKey: tlsKey,
                    stateFolder: state.state, timeZone: zone, behindProxy: behindProxy, bridge: bridge,
                    receiptPrinter: receiptPrinter, cardholder: settings),
                staff: staff, logger: logger)
            let app = try web.application()
            logger.info(
                "serving the back office",
                metadata: ["listen": "\(listen)", "https": "\(tlsCert != nil)", "core": "\(core)"])
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: app), .init(service: web.passWatcher())],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }

        static func address(_ text: String) throws -> (String, Int) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port)
            else {
                throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080 (\"\(text.prefix(64))\" is not).")
            }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw ValidationError("--listen needs a host before the port.") }
            return (host, port)
        }

        static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    struct User: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user", abstract: "Staff accounts of the back office.",
            subcommands: [Add.self, Remove.self, Passwd.self, List.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a member of staff; the password is read from the terminal (or stdin), never argv.")
            @Argument(help: "The user name.") var name: String
            @Option(help: "owner, manager or cashier.") var role: String
            @Option(help: "The merchant this user works for; repeat it for a chain's shops.") var merchant: [String] =
                []
            @OptionGroup var state: WebCommand.StateOptions

            func run() throws {
                guard let staffRole = StaffRole(rawValue: role) else {
                    throw ValidationError("The role is owner, manager or cashier, not \(role.prefix(32)).")
                }
                guard !merchant.isEmpty else { throw ValidationError("Name the merchant with --merchant CODE.") }
                umask(0o077)
                let staff = try StaffAccounts(folder: state.state)
                let password = try Password.read(prompt: "Password for \(name): ", confirm: true)
                do { try staff.add(name: name, role: staffRole, merchants: merchant, password: password) } catch {
                    throw ValidationError("\(error)")
                }
                print("Added \(name) (\(staffRole.rawValue) of \(merchant.joined(separator: ", "))).")
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a member of staff.")
            @Argument(help: "The user name.") var name: String
            @OptionGroup var state: WebCommand.StateOptions

            func run() throws {
                umask(0o077)
                do { try StaffAccounts(folder: state.state).remove(name: name) } catch {
                    throw ValidationError("\(error)")
                }
                print("Removed \(name); a running web server signs them out at their next page.")
            }
        }

        struct Passwd: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Set a member of staff's password.")
            @Argument(help: "The user name.") var name: String
            @OptionGroup var state: WebCommand.StateOptions

            func run() throws {
                umask(0o077)
                let staff = try StaffAccounts(folder: state.state)
                guard staff.account(named: name) != nil else { throw ValidationError("There is no user \(name).") }
                let password = try Password.read(prompt: "New password for \(name): ", confirm: true)
                do { try staff.setPassword(name: name, password: password) } catch { throw ValidationError("\(error)") }
                print("Password of \(name) changed.")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the staff accounts (never their hashes).")
            @OptionGroup var state: WebCommand.StateOptions

            func run() throws {
                for account in try StaffAccounts(folder: state.state).all {
                    print("\(account.name)\t\(account.role.rawValue)\t\(account.merchants.joined(separator: ","))")
                }
            }
        }
    }
}

/// A password from the terminal with echo off, asked twice; from stdin's first line when stdin
/// is not a terminal (scripts, tests). Never from argv, where `ps` shows it to everyone.
enum Password {
    static func read(prompt: String, confirm: Bool) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("No password on stdin.")
            }
            return line
        }
        let first = try silently(prompt)
        if confirm {
            let second = try silently("Again: ")
            guard first == second else { throw ValidationError("The two passwords differ.") }
        }
        return first
    }

    private static func silently(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("No password given.")
        }
        return line
    }
}
