import ArgumentParser

@main
struct Loyalgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loyalgate",
        abstract: "Loyalty cards for independent shops: the loyalty core, the device gateway, set-up and a till simulator.",
        version: "0.1.0",
        subcommands: [Core.self, GatewayCommand.self, DoctorCommand.self, ProgramCommand.self, CardCommand.self, CardsCommand.self, Till.self, Demo.self, Bench.self, ReceiptCommand.self])
}

/// Where state lives when no flag says: `./.loyalgate/` for a developer run (the contract).
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The core's data directory (database and keys).")
    var data: String = ".loyalgate"
}
