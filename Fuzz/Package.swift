// swift-tools-version: 5.4
import PackageDescription

// libFuzzer targets for every parser that takes bytes from outside (docs/fuzzing.md), built and
// run by scripts/fuzz with the fuzzer and address sanitizer:
//   swift build --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
// Each target's main.swift defines LLVMFuzzerTestOneInput and nothing runs at top level
// (-parse-as-library): libFuzzer brings `main`. Tools version 5.4 on purpose: from 5.5 on,
// SwiftPM links a debug executable with `main` renamed to its module's own entry point, which a
// fuzz target does not have.

/// Compiled as a library: the file named main.swift has no top-level code.
let swiftSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func loyalgate(_ module: String) -> Target.Dependency { .product(name: module, package: "loyalgate") }

/// One executable per target: `fuzz-NAME`, run as `scripts/fuzz NAME SECONDS`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: "fuzz-" + name, dependencies: ["FuzzSupport"] + dependencies, swiftSettings: swiftSettings)
}

let package = Package(
    name: "loyalgate-fuzz",
    dependencies: [
        // The main package by name, so the product references do not depend on the checkout's
        // folder name.
        .package(name: "loyalgate", path: ".."),
        // The same swift-nio the main package resolves: EmbeddedChannel drives the line framer.
        .package(name: "swift-nio", url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "FuzzSupport"),
        fuzzTarget(
            "line-frame",
            [
                loyalgate("SocketServer"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        fuzzTarget("request", [loyalgate("LoyalgateProtocol"), loyalgate("LoyaltyDomain")]),
        fuzzTarget("program-file", [loyalgate("LoyaltyDomain")]),
        fuzzTarget("card-design", [loyalgate("CardDesign")]),
        fuzzTarget("receipt-document", [loyalgate("ReceiptEncoding")]),
        fuzzTarget("hid-descriptor", [loyalgate("ScanDecoding")]),
        fuzzTarget("hid-pos-report", [loyalgate("ScanDecoding")]),
        fuzzTarget("keyboard", [loyalgate("ScanDecoding")]),
        fuzzTarget("evdev-keyboard", [loyalgate("ScanDecoding"), loyalgate("ScannerDrivers")]),
        fuzzTarget("serial", [loyalgate("ScanDecoding")]),
        fuzzTarget("escpos", [loyalgate("ReceiptEncoding")]),
        fuzzTarget("csv-import", [loyalgate("LoyaltyStore"), loyalgate("LoyaltyDomain")]),
    ]
)
