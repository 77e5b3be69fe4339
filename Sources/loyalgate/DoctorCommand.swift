import ArgumentParser
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Check scanners, the gateway, the core and CUPS.")
    func run() throws {}
}
