import Foundation
import Testbed

/// What every gateway test starts from: a running core with the Dutch pharmacy's program and
/// one member card, and an empty umockdev test bed to plug emulated scanners into.
enum ScannerShop {
    static func open(memberSerial: Int) throws -> (member: String, core: CoreProcess, devices: EmulatedDevices) {
        let member = card("2990001", memberSerial)
        let core = CoreProcess()
        let devices = try EmulatedDevices()
        try core.setUp(programs: ["dutch-pharmacy"], cards: [member])
        try core.start()
        return (member, core, devices)
    }
}
