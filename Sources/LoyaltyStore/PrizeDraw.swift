import Crypto
import Foundation
import LoyaltyDomain

/// The prize draw's algorithm, in one place for the core (`draw.run`) and for anyone who
/// reruns a draw (`loyalgate draw verify`); docs/campaigns-and-draws.md describes it so that it
/// can be written again in another language.
///
/// 1. The entries: every card with at least one entry, sorted by card number (ASCII order of
///    the 13 digits).
/// 2. A stream of 64-bit numbers from the seed: number `i` (from 0) is the first 8 bytes, read
///    big-endian, of HMAC-SHA256 with the seed's 32 bytes as key and `i` as 8 bytes big-endian
///    as message.
/// 3. Each winner: `total` is the sum of the entries still in; the next number `x` of the
///    stream is skipped while `x >= (2^64 - 1) / total * total` (so that `x % total` is
///    uniform); `r = x % total`; the winner is the first card, in order, whose running sum of
///    entries passes `r`. It leaves the draw (no card wins twice), and the next winner is drawn,
///    until there are as many winners as asked for or no cards left.
public enum PrizeDraw {
    public struct Entry: Sendable, Equatable {
        public var card: String
        public var entries: Int64
        public init(card: String, entries: Int64) {
            self.card = card
            self.entries = entries
        }
    }

    /// 32 random bytes from the system's cryptographic generator.
    public static func newSeed() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    /// The commitment: hex SHA-256 of the seed's bytes.
    public static func seedHash(_ seed: Data) -> String {
        hex(Data(SHA256.hash(data: seed)))
    }

    public static func hex(_ data: Data) -> String {
        data.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// The bytes of a hex string, or nil when it is not an even number of hex digits.
    public static func bytes(hex text: String) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var data = Data(capacity: digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 97...102: byte - 87
        case 65...70: byte - 55
        default: nil
        }
    }

    /// The winning cards in the order drawn. Entries of 0 or less take no part; a card listed
    /// twice counts once with the sum of its entries. Nil when the entries overflow 64 bits.
    public static func winners(entries: [Entry], seed: Data, count: Int) -> [String]? {
        var byCard: [String: Int64] = [:]
        for entry in entries where entry.entries > 0 {
            let (sum, overflow) = byCard[entry.card, default: 0].addingReportingOverflow(entry.entries)
            guard !overflow else { return nil }
            byCard[entry.card] = sum
        }
        var remaining = byCard.sorted { $0.key < $1.key }.map { Entry(card: $0.key, entries: $0.value) }
        let key = SymmetricKey(data: seed)
        var counter: UInt64 = 0
        func next() -> UInt64 {
            var message = counter.bigEndian
            counter += 1
            let mac = HMAC<SHA256>.authenticationCode(for: Data(bytes: &message, count: 8), using: key)
            return mac.withUnsafeBytes { bytes in bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
        var winners: [String] = []
        while winners.count < count, !remaining.isEmpty {
            var total: UInt64 = 0
            for entry in remaining {
                let (sum, overflow) = total.addingReportingOverflow(UInt64(entry.entries))
                guard !overflow else { return nil }
                total = sum
            }
            let zone = UInt64.max / total * total
            var x = next()
            while x >= zone { x = next() }
            let r = x % total
            var running: UInt64 = 0
            for (index, entry) in remaining.enumerated() {
                running += UInt64(entry.entries)
                if running > r {
                    winners.append(entry.card)
                    remaining.remove(at: index)
                    break
                }
            }
        }
        return winners
    }
}

/// The draw report as CSV: a few `key,value` lines, then the table of entries, so one file
/// holds everything needed to rerun the draw.
///
///     draw,market-2027-03
///     name,Together at the market
///     period,2027-03-01T00:00,2027-04-01T00:00,Europe/Sofia
///     per,10.00,BGN
///     winners,3
///     seed-sha256,9f86d0...
///     seed,3a7bd3...
///     card,spent,entries,won
///     2910000000014,123.45,12,
///     2910000000021,55.00,5,1
///
/// Cells are written by `SpreadsheetCSV` (a name starting with `=` gets a quote in front).
public struct DrawReportFile: Sendable, Equatable {
    public var fields: [String: [String]]
    public var rows: [(card: String, spent: String, entries: Int64, won: Int?)]

    public static func == (lhs: DrawReportFile, rhs: DrawReportFile) -> Bool {
        lhs.fields == rhs.fields && lhs.rows.map(\.card) == rhs.rows.map(\.card)
            && lhs.rows.map(\.entries) == rhs.rows.map(\.entries) && lhs.rows.map(\.won) == rhs.rows.map(\.won)
    }

    public init(fields: [String: [String]], rows: [(card: String, spent: String, entries: Int64, won: Int?)]) {
        self.fields = fields
        self.rows = rows
    }

    static let order = ["draw", "name", "period", "per", "winners", "seed-sha256", "seed"]
    static let header = "card,spent,entries,won"

    public var csv: String {
        var text = ""
        for key in Self.order {
            if let values = fields[key] { text += SpreadsheetCSV.line([key] + values) }
        }
        text += Self.header + "\n"
        for row in rows {
            text += SpreadsheetCSV.line([row.card, row.spent, String(row.entries), row.won.map(String.init) ?? ""])
        }
        return text
    }

    /// The cells of one CSV line (RFC 4180 quotes; a line break inside a cell is not expected
    /// in a report).
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var characters = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let following = characters.next() {
                        if following == "\"" {
                            cell.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(character)
            }
        }
        cells.append(cell)
        return cells
    }

    /// Reads a report as `csv` writes it; every problem is a sentence naming the line.
    public static func parse(_ text: String) throws(DrawFileError) -> DrawReportFile {
        var fields: [String: [String]] = [:]
        var rows: [(card: String, spent: String, entries: Int64, won: Int?)] = []
        var inTable = false
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let cells = Self.cells(line)
            if !inTable {
                if line == Self.header {
                    inTable = true
                } else if let key = cells.first, cells.count >= 2 {
                    fields[key] = Array(cells.dropFirst())
                } else {
                    throw DrawFileError(
                        "line \(index + 1): \"\(line.prefix(60))\" is neither key,value nor the table's header.")
                }
                continue
            }
            guard cells.count == 4, let entries = Int64(cells[2]), entries >= 0,
                cells[3].isEmpty || Int(cells[3]) != nil
            else {
                throw DrawFileError("line \(index + 1): \"\(line.prefix(60))\" is not card,spent,entries,won.")
            }
            rows.append((cells[0], cells[1], entries, Int(cells[3])))
        }
        guard inTable else { throw DrawFileError("the file has no \"\(Self.header)\" line.") }
        return DrawReportFile(fields: fields, rows: rows)
    }

    /// The winners the file records, in the order drawn.
    public var recordedWinners: [String] {
        rows.compactMap { row in row.won.map { ($0, row.card) } }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

public struct DrawFileError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
