// swift-tools-version: 6.1
import PackageDescription

// Modules depend in one direction only:
//   LoyaltyDomain (pure rules and money)  <- LoyaltyStore (GRDB)  <- LoyaltyCore (ops)  <- loyalgate
//   PersonalData (encryption at rest)     <- LoyaltyStore
//   LoyalgateProtocol (pure wire types)   <- SocketServer (NIO, NIOSSL)   <- loyalgate
//   ChainCA (the chain's CA: certificates, revocation, client check) <- SocketServer, loyalgate
//   GS1 (check digits) <- LoyaltyDomain, ScanDecoding, ReceiptEncoding, Receipts
//   ReceiptEncoding (pure ESC/POS)        <- LoyalgateProtocol (a receipt.print carries a ReceiptDocument)
//   LoyalgateProtocol <- LoyalgateClient (typed calls)  <- Gateway, loyalgate, loyalgate-testbed, tests
//   CardDesign (pure design files)  <- CardRendering (cairo, CZintMatrix: libzint)  <- loyalgate
//   Printing (libcups, generic: cards and receipts; PrintConnection.wait follows every job) <- loyalgate
//   LoyaltyStore, CardRendering, Printing <- CardBatches (batches and reprints)  <- loyalgate
//   ReceiptEncoding, LoyalgateProtocol <- Receipts (cairo, CZintMatrix, Printing, PrinterUSB: libusb) <- Gateway
//   ScanDecoding (pure scanner formats)   <- ScannerDrivers (libudev, libevdev, libxkbcommon) <- Gateway <- loyalgate
//   MetricsEndpoint (Prometheus over HTTP on loopback) <- loyalgate; the modules record through swift-metrics
//   Testbed (umockdev devices, child processes; never shipped) <- loyalgate-testbed (demo, benchmarks), IntegrationTests

let swiftSettings: [SwiftSetting] = [
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0335-existential-any.md
    .enableUpcomingFeature("ExistentialAny"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
    // Explicit imports: a file uses only the modules it imports itself, never one that reaches it
    // through another file's import.
    .enableUpcomingFeature("MemberImportVisibility"),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
// SQLite's own C functions, for a test that asks a connection how much its page cache holds.
let grdbSQLite: Target.Dependency = .product(name: "GRDBSQLite", package: "GRDB.swift")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioConcurrency: Target.Dependency = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "_CryptoExtras", package: "swift-crypto")
let csv: Target.Dependency = .product(name: "CSV", package: "CSV.swift")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals: Target.Dependency = .product(name: "UnixSignals", package: "swift-service-lifecycle")
let metrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let nioHTTP: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let nioWebSocket: Target.Dependency = .product(name: "NIOWebSocket", package: "swift-nio")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdWebSocket: Target.Dependency = .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")
let nioTLS: Target.Dependency = .product(name: "NIOTLS", package: "swift-nio")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
let x509: Target.Dependency = .product(name: "X509", package: "swift-certificates")
let asn1: Target.Dependency = .product(name: "SwiftASN1", package: "swift-asn1")
let hummingbirdCore: Target.Dependency = .product(name: "HummingbirdCore", package: "hummingbird")
let hummingbirdTLS: Target.Dependency = .product(name: "HummingbirdTLS", package: "hummingbird")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let bcrypt: Target.Dependency = .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")
let mustache: Target.Dependency = .product(name: "Mustache", package: "swift-mustache")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let postgresNIO: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")

let package = Package(
    name: "loyalgate",
    products: [
        .executable(name: "loyalgate", targets: ["loyalgate"]),
        // The parsers of bytes from outside, for the fuzz targets in Fuzz/ (docs/fuzzing.md).
        .library(name: "SocketServer", targets: ["SocketServer"]),
        .library(name: "LoyalgateProtocol", targets: ["LoyalgateProtocol"]),
        .library(name: "LoyaltyDomain", targets: ["LoyaltyDomain"]),
        .library(name: "LoyaltyStore", targets: ["LoyaltyStore"]),
        .library(name: "CardDesign", targets: ["CardDesign"]),
        .library(name: "ReceiptEncoding", targets: ["ReceiptEncoding"]),
        .library(name: "ScanDecoding", targets: ["ScanDecoding"]),
        .library(name: "ScannerDrivers", targets: ["ScannerDrivers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Exact: the Apple Wallet signature uses its CMS support, which is SPI (`@_spi(CMS)`) and
        // may change in any release.
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Hummingbird's header types (HTTPField); already in the graph through Hummingbird.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // A chain's ledger on PostgreSQL (PostgresStore).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: - System libraries (their Debian -dev packages are in scripts/install-deps)
        // Debian's libcups2-dev ships no .pc file, so it links by name (libzint: CZintMatrix below).
        .systemLibrary(name: "CCups", providers: [.apt(["libcups2-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CUsb", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        // SMTP for the Mail module (STARTTLS, TLS, login) through Debian's libcurl4-openssl-dev.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // MARK: - Pure logic, no I/O
        // The GS1 mod-10 check digit of EAN/UPC/GTIN codes: card numbers, scans, printed barcodes.
        .target(name: "GS1", swiftSettings: swiftSettings),
        .target(name: "LoyaltyDomain", dependencies: ["GS1"], swiftSettings: swiftSettings),
        .target(
            name: "LoyalgateProtocol", dependencies: ["LoyaltyDomain", "ReceiptEncoding"], swiftSettings: swiftSettings),
        .target(name: "CardDesign", swiftSettings: swiftSettings),
        // ESC/POS bytes for a receipt on one printer model; profiles from escpos-printer-db (CC BY 4.0).
        // Resources/printer-profiles.json is compiled in (scripts/embed-printer-profiles), not a
        // resource bundle: an installed binary has no bundle beside it.
        .target(name: "ReceiptEncoding", dependencies: ["GS1"], exclude: ["Resources"], swiftSettings: swiftSettings),
        .target(name: "ScanDecoding", dependencies: ["GS1"], swiftSettings: swiftSettings),

        // MARK: - I/O at the edges
        .target(name: "PersonalData", dependencies: [crypto], swiftSettings: swiftSettings),
        .target(
            name: "LoyaltyStore",
            dependencies: ["LoyaltyDomain", "LoyalgateProtocol", "PersonalData", grdb, csv, crypto, metrics],
            swiftSettings: swiftSettings),
        // A chain's ledger on PostgreSQL behind the same `LedgerStore` protocol, and the copy of
        // a SQLite shop into it (`loyalgate migrate`).
        .target(
            name: "PostgresStore",
            dependencies: [
                "LoyaltyStore", "LoyaltyDomain", "LoyalgateProtocol", "PersonalData", postgresNIO, grdb, logging,
                nioCore,
            ],
            swiftSettings: swiftSettings),
        // Serves swift-metrics figures to Prometheus on a loopback address (core, gateway).
        .target(
            name: "MetricsEndpoint",
            dependencies: ["SocketServer", metrics, prometheus, nioCore, nioPosix, nioHTTP, logging, serviceLifecycle],
            swiftSettings: swiftSettings),
        // The gateway's browser bridge: paired pages are tills over a WebSocket (Hummingbird).
        .target(
            name: "BrowserBridge",
            dependencies: [
                "Gateway", "LoyalgateClient", "LoyalgateProtocol", logging, serviceLifecycle, nioWebSocket, hummingbird,
                hummingbirdWebSocket,
            ],
            swiftSettings: swiftSettings),
        // A chain's own small CA (files on disk): certificates for cores and callers, revocation,
        // and what a client certificate says about its holder (name, role, merchant).
        .target(
            name: "ChainCA", dependencies: ["LoyalgateProtocol", x509, asn1, crypto], swiftSettings: swiftSettings),
        .target(
            name: "SocketServer",
            dependencies: [
                "LoyalgateProtocol", "ChainCA", nioCore, nioPosix, nioConcurrency, nioSSL, nioTLS, x509, asn1, logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings),
        // The one client of the core and the gateway: typed calls, blocking or async, over a Unix
        // socket or mutual TLS.
        .target(
            name: "LoyalgateClient",
            dependencies: ["LoyalgateProtocol", nioCore, nioPosix, nioSSL, nioTLS], swiftSettings: swiftSettings),
        // The shop's relay: tills talk to it as to a core; it forwards to the central core over
        // TLS and, while that cannot be reached, queues earns durably (GRDB) and delivers them later.
        .target(
            name: "ShopRelay",
            dependencies: [
                "LoyalgateProtocol", "LoyalgateClient", "SocketServer", grdb, logging, nioConcurrency, serviceLifecycle,
            ],
            swiftSettings: swiftSettings),
        // libudev, libevdev and libxkbcommon through pkg-config (scripts/install-deps installs them).
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .systemLibrary(name: "CEvdev", pkgConfig: "libevdev", providers: [.apt(["libevdev-dev"])]),
        .systemLibrary(name: "CXkbcommon", pkgConfig: "xkbcommon", providers: [.apt(["libxkbcommon-dev"])]),
        // Scanner drivers: udev discovery and hotplug, evdev + xkbcommon, hidraw, serial and the
        // device thread's poll loop. Knows nothing of tills, the core or JSON: it reports
        // DriverEvents and the gateway turns them into till events.
        .target(
            name: "ScannerDrivers", dependencies: ["ScanDecoding", "CUdev", "CEvdev", "CXkbcommon", logging],
            swiftSettings: swiftSettings),
        .target(
            name: "Gateway",
            dependencies: [
                "ScannerDrivers", "ScanDecoding", "LoyalgateProtocol", "LoyalgateClient", "LoyaltyDomain",
                "SocketServer", "Receipts", "ReceiptEncoding", logging,
                nioPosix, serviceLifecycle, metrics, crypto,
            ],
            swiftSettings: swiftSettings),
        // The test bed, never shipped: umockdev-emulated devices and the shipped binary's location,
        // for the integration tests and `loyalgate-testbed` (demo, benchmarks).
        // Devices/ holds one data file per emulated model, read from the checkout (EmulatedScanner.folder).
        .target(name: "Testbed", exclude: ["Devices"], swiftSettings: swiftSettings),
        .target(
            name: "LoyaltyCore",
            dependencies: ["LoyaltyDomain", "LoyaltyStore", "LoyalgateProtocol", logging, metrics, crypto],
            swiftSettings: swiftSettings),
        .target(
            name: "CardRendering", dependencies: ["CardDesign", "CCairo", "CZintMatrix"], swiftSettings: swiftSettings),
        .target(name: "Printing", dependencies: ["CCups"], swiftSettings: swiftSettings),
        // Card batches and reprints: numbers from the ledger, cards drawn, jobs through CUPS.
        .target(
            name: "CardBatches",
            dependencies: [
                "LoyaltyDomain", "LoyaltyStore", "LoyaltyCore", "LoyalgateProtocol", "CardDesign", "CardRendering",
                "Printing", nioPosix,
            ],
            swiftSettings: swiftSettings),
        // A USB receipt printer's own status (DLE EOT) through libusb, where CUPS cannot tell.
        .target(name: "PrinterUSB", dependencies: ["CUsb"], swiftSettings: swiftSettings),
        // Receipts: template + document -> bytes (logo via cairo, symbols via zint), preview PNG,
        // and the gateway's receipt.print / printer.status service: jobs through CUPS, events as
        // typed values (LoyalgateProtocol's ReceiptMessages).
        .target(
            name: "Receipts",
            dependencies: [
                "GS1", "ReceiptEncoding", "LoyalgateProtocol", "PrinterUSB", "Printing", "CCairo", "CZintMatrix",
            ], swiftSettings: swiftSettings),
        // The one libzint binding: a symbol's module matrix (receipts) or its vector rectangles
        // (cards) through C functions, so Swift never imports struct zint_symbol (its 200x144
        // encoded_data tuple costs the compiler minutes per access). Debian's libzint-dev ships
        // no .pc file, so it links by name.
        .target(name: "CZintMatrix", linkerSettings: [.linkedLibrary("zint")]),

        // The back office's pure parts: the UI text catalog (one file per language), money and
        // dates in the merchant's currency and time zone, form validation, page models.
        .target(name: "BackOffice", dependencies: ["LoyaltyDomain"], swiftSettings: swiftSettings),
        // Wallet passes: Apple's signed .pkpass (a stored zip, CMS through swift-certificates' SPI)
        // and Google's "Save to Google Wallet" JWT (RS256); pure, no I/O.
        .target(name: "WalletPasses", dependencies: [x509, asn1, crypto, cryptoExtras], swiftSettings: swiftSettings),
        // The back office in a browser: Hummingbird routes, sessions, CSRF, throttling, staff
        // accounts; reaches the core only through LoyalgateClient. Templates are compiled in.
        .target(
            name: "WebServer",
            dependencies: [
                "BackOffice", "LoyalgateClient", "LoyalgateProtocol", "LoyaltyDomain", "CardDesign", "CZintMatrix",
                "WalletPasses",
                hummingbird, hummingbirdCore,
                hummingbirdTLS,
                bcrypt, mustache, nioSSL, nioCore, nioPosix, logging, serviceLifecycle, httpTypes,
            ],
            swiftSettings: swiftSettings),

        // Mail to customers: MIME messages, SMTP through libcurl, and the outbox pass
        // (`loyalgate mail run`) over the ledger's mail_outbox; docs/mail.md.
        .target(
            name: "Mail", dependencies: ["CCurl", "CardDesign", "LoyaltyStore", "LoyaltyDomain", "LoyalgateProtocol"],
            swiftSettings: swiftSettings),

        // MARK: - The command
        .executableTarget(
            name: "loyalgate",
            dependencies: [
                "LoyaltyCore", "LoyaltyDomain", "LoyaltyStore", "SocketServer", "LoyalgateProtocol", "LoyalgateClient",
                "Gateway", "BrowserBridge",
                "ScannerDrivers", "CardDesign", "CardRendering", "CardBatches", "Printing",
                "ReceiptEncoding", "Receipts", "PrinterUSB", "MetricsEndpoint", "ChainCA", "WebServer", "BackOffice",
                "ShopRelay", "PostgresStore", "Mail", argumentParser, logging,
                serviceLifecycle, unixSignals,
            ],
            swiftSettings: swiftSettings
        ),

        // The demo and the benchmarks: runs the shipped `loyalgate` binary on emulated devices.
        .executableTarget(
            name: "loyalgate-testbed",
            dependencies: [
                "Testbed", "LoyaltyCore", "LoyaltyStore", "LoyaltyDomain", "LoyalgateProtocol", "LoyalgateClient",
                "SocketServer", "ScanDecoding", "ScannerDrivers",
                "CardRendering", "CCairo", "ReceiptEncoding", "Receipts", argumentParser, logging,
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .testTarget(
            name: "BackOfficeTests", dependencies: ["BackOffice", "LoyaltyDomain"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WebServerTests",
            // Testbed and the client: the pass watcher's test runs the real core binary.
            dependencies: [
                "WebServer", "BackOffice", mustache, "Testbed", "LoyalgateClient", "LoyalgateProtocol", "WalletPasses",
                logging,
            ], swiftSettings: swiftSettings),
        .testTarget(name: "LoyaltyDomainTests", dependencies: ["LoyaltyDomain"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LoyaltyStoreTests",
            dependencies: [
                "LoyaltyStore", "LoyaltyDomain", "LoyalgateProtocol", "PostgresStore", "Testbed", propertyBased, grdb,
                grdbSQLite,
            ],
            swiftSettings: swiftSettings),
        // The core's ops in-process against a real SQLite file or PostgreSQL database: no socket,
        // no child process.
        .testTarget(
            name: "LoyaltyCoreTests",
            dependencies: [
                "LoyaltyCore", "LoyaltyStore", "LoyalgateProtocol", "LoyaltyDomain", "PostgresStore", "Testbed",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LoyalgateProtocolTests", dependencies: ["LoyalgateProtocol", "LoyaltyDomain"],
            swiftSettings: swiftSettings),
        // The one client against a real socket whose other end answers as each test needs.
        .testTarget(
            name: "LoyalgateClientTests", dependencies: ["LoyalgateClient", "LoyalgateProtocol", "LoyaltyDomain"],
            swiftSettings: swiftSettings),
        // The chain's CA and the core's check of client certificates, in-process on real CA files.
        .testTarget(
            name: "ChainCATests", dependencies: ["ChainCA", "LoyalgateProtocol", x509, asn1],
            swiftSettings: swiftSettings),
        // The docs against the code: every op and event documented, the README's module table.
        .testTarget(name: "DocumentationTests", dependencies: ["LoyalgateProtocol"], swiftSettings: swiftSettings),
        .testTarget(name: "ReceiptEncodingTests", dependencies: ["ReceiptEncoding"], swiftSettings: swiftSettings),
        .testTarget(name: "PrinterUSBTests", dependencies: ["PrinterUSB"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ReceiptsTests", dependencies: ["Receipts", "ReceiptEncoding", "LoyalgateProtocol"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SocketServerTests",
            dependencies: [
                "SocketServer", "LoyalgateClient", .product(name: "NIOEmbedded", package: "swift-nio"), nioCore,
                nioPosix, nioConcurrency, logging,
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "CardDesignTests", dependencies: ["CardDesign"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CardRenderingTests", dependencies: ["CardRendering", "CardDesign", "CCairo"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "LoyalgateClient", "LoyalgateProtocol", "LoyaltyDomain", "LoyaltyStore", "Printing", "Testbed",
                "Receipts",
                "ReceiptEncoding", "ScannerDrivers", "ScanDecoding",
            ], swiftSettings: swiftSettings),
        .testTarget(
            name: "ScanDecodingTests", dependencies: ["ScanDecoding", "GS1", propertyBased],
            swiftSettings: swiftSettings),
        // Messages composed and sent to a real SMTP server (aiosmtpd) started on 127.0.0.1.
        .testTarget(
            name: "MailTests",
            dependencies: ["Mail", "Testbed", "LoyaltyStore", "LoyaltyDomain", "LoyalgateProtocol", "PostgresStore"],
            swiftSettings: swiftSettings),
        .testTarget(name: "GS1Tests", dependencies: ["GS1"], swiftSettings: swiftSettings),
        // The relay's decisions, pure, and its queue on a real SQLite file.
        .testTarget(
            name: "ShopRelayTests", dependencies: ["ShopRelay", "LoyalgateProtocol"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "ScannerDrivers", "LoyalgateProtocol", propertyBased],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ScannerDriversTests", dependencies: ["ScannerDrivers", "ScanDecoding", propertyBased],
            swiftSettings: swiftSettings),
    ]
)
