import ScanDecoding

/// scan-ean13.events from the umockdev experiments: the evemu recording of a keyboard-wedge
/// scanner typing EAN-13 4006381333931 and Enter, 4 ms between key events.
enum KeyEventFixture {
    static let ean13Events = #"""
        # EVEMU 1.3
        # device /dev/input/event20
        E: 0.000000 0004 0004 458785	# EV_MSC/MSC_SCAN
        E: 0.000000 0001 0005 1	# EV_KEY '4' down
        E: 0.000000 0000 0000 0	# SYN_REPORT
        E: 0.004000 0004 0004 458785	# EV_MSC/MSC_SCAN
        E: 0.004000 0001 0005 0	# EV_KEY '4' up
        E: 0.004000 0000 0000 0	# SYN_REPORT
        E: 0.008000 0004 0004 458791	# EV_MSC/MSC_SCAN
        E: 0.008000 0001 000b 1	# EV_KEY '0' down
        E: 0.008000 0000 0000 0	# SYN_REPORT
        E: 0.012000 0004 0004 458791	# EV_MSC/MSC_SCAN
        E: 0.012000 0001 000b 0	# EV_KEY '0' up
        E: 0.012000 0000 0000 0	# SYN_REPORT
        E: 0.016000 0004 0004 458791	# EV_MSC/MSC_SCAN
        E: 0.016000 0001 000b 1	# EV_KEY '0' down
        E: 0.016000 0000 0000 0	# SYN_REPORT
        E: 0.020000 0004 0004 458791	# EV_MSC/MSC_SCAN
        E: 0.020000 0001 000b 0	# EV_KEY '0' up
        E: 0.020000 0000 0000 0	# SYN_REPORT
        E: 0.024000 0004 0004 458787	# EV_MSC/MSC_SCAN
        E: 0.024000 0001 0007 1	# EV_KEY '6' down
        E: 0.024000 0000 0000 0	# SYN_REPORT
        E: 0.028000 0004 0004 458787	# EV_MSC/MSC_SCAN
        E: 0.028000 0001 0007 0	# EV_KEY '6' up
        E: 0.028000 0000 0000 0	# SYN_REPORT
        E: 0.032000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.032000 0001 0004 1	# EV_KEY '3' down
        E: 0.032000 0000 0000 0	# SYN_REPORT
        E: 0.036000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.036000 0001 0004 0	# EV_KEY '3' up
        E: 0.036000 0000 0000 0	# SYN_REPORT
        E: 0.040000 0004 0004 458789	# EV_MSC/MSC_SCAN
        E: 0.040000 0001 0009 1	# EV_KEY '8' down
        E: 0.040000 0000 0000 0	# SYN_REPORT
        E: 0.044000 0004 0004 458789	# EV_MSC/MSC_SCAN
        E: 0.044000 0001 0009 0	# EV_KEY '8' up
        E: 0.044000 0000 0000 0	# SYN_REPORT
        E: 0.048000 0004 0004 458782	# EV_MSC/MSC_SCAN
        E: 0.048000 0001 0002 1	# EV_KEY '1' down
        E: 0.048000 0000 0000 0	# SYN_REPORT
        E: 0.052000 0004 0004 458782	# EV_MSC/MSC_SCAN
        E: 0.052000 0001 0002 0	# EV_KEY '1' up
        E: 0.052000 0000 0000 0	# SYN_REPORT
        E: 0.056000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.056000 0001 0004 1	# EV_KEY '3' down
        E: 0.056000 0000 0000 0	# SYN_REPORT
        E: 0.060000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.060000 0001 0004 0	# EV_KEY '3' up
        E: 0.060000 0000 0000 0	# SYN_REPORT
        E: 0.064000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.064000 0001 0004 1	# EV_KEY '3' down
        E: 0.064000 0000 0000 0	# SYN_REPORT
        E: 0.068000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.068000 0001 0004 0	# EV_KEY '3' up
        E: 0.068000 0000 0000 0	# SYN_REPORT
        E: 0.072000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.072000 0001 0004 1	# EV_KEY '3' down
        E: 0.072000 0000 0000 0	# SYN_REPORT
        E: 0.076000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.076000 0001 0004 0	# EV_KEY '3' up
        E: 0.076000 0000 0000 0	# SYN_REPORT
        E: 0.080000 0004 0004 458790	# EV_MSC/MSC_SCAN
        E: 0.080000 0001 000a 1	# EV_KEY '9' down
        E: 0.080000 0000 0000 0	# SYN_REPORT
        E: 0.084000 0004 0004 458790	# EV_MSC/MSC_SCAN
        E: 0.084000 0001 000a 0	# EV_KEY '9' up
        E: 0.084000 0000 0000 0	# SYN_REPORT
        E: 0.088000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.088000 0001 0004 1	# EV_KEY '3' down
        E: 0.088000 0000 0000 0	# SYN_REPORT
        E: 0.092000 0004 0004 458784	# EV_MSC/MSC_SCAN
        E: 0.092000 0001 0004 0	# EV_KEY '3' up
        E: 0.092000 0000 0000 0	# SYN_REPORT
        E: 0.096000 0004 0004 458782	# EV_MSC/MSC_SCAN
        E: 0.096000 0001 0002 1	# EV_KEY '1' down
        E: 0.096000 0000 0000 0	# SYN_REPORT
        E: 0.100000 0004 0004 458782	# EV_MSC/MSC_SCAN
        E: 0.100000 0001 0002 0	# EV_KEY '1' up
        E: 0.100000 0000 0000 0	# SYN_REPORT
        E: 0.104000 0004 0004 458792	# EV_MSC/MSC_SCAN
        E: 0.104000 0001 001c 1	# EV_KEY '\n' down
        E: 0.104000 0000 0000 0	# SYN_REPORT
        E: 0.108000 0004 0004 458792	# EV_MSC/MSC_SCAN
        E: 0.108000 0001 001c 0	# EV_KEY '\n' up
        E: 0.108000 0000 0000 0	# SYN_REPORT
        """#

    /// Evdev key codes of the US digit row and Enter (linux/input-event-codes.h).
    static let keyCharacters: [Int: Character] = [
        2: "1", 3: "2", 4: "3", 5: "4", 6: "5", 7: "6", 8: "7", 9: "8", 10: "9", 11: "0",
    ]
    static let keyEnter = 28

    /// Key-down events of an evemu recording as `KeyboardEvent`s, the way the gateway's evdev
    /// reader would hand them over after the keycode-to-character step.
    static func keyboardEvents(_ recording: String) -> [KeyboardEvent] {
        recording.split(separator: "\n").compactMap { line -> KeyboardEvent? in
            let fields = line.split(separator: "#", omittingEmptySubsequences: false)[0]
                .split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 5, fields[0] == "E:", fields[2] == "0001", fields[4] == "1",
                let code = Int(fields[3], radix: 16), let seconds = Double(fields[1])
            else { return nil }
            let time = Duration.microseconds(Int64((seconds * 1_000_000).rounded()))
            if code == keyEnter { return .enter(at: time) }
            return keyCharacters[code].map { .character($0, at: time) }
        }
    }
}
