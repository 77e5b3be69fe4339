import Foundation
import FuzzSupport
import LoyaltyDomain
import LoyaltyStore

/// A customer import file (`loyalgate customer import`; another program's export, a
/// spreadsheet) through the reader that checks it before anything is written: refused, or rows
/// whose cards are valid and appear once and whose details pass the same checks as a
/// registration at the counter.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVImport(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(FuzzInput(start, count).bytes)
    let rows: [LedgerDatabase.CustomerImportRow]
    do {
        rows = try LedgerDatabase.readCustomerImport(InputStream(data: data))
    } catch {
        return 0
    }
    invariant(Set(rows.map(\.card.digits)).count == rows.count, "a card appears twice among the rows read")
    for row in rows {
        invariant((try? CardNumber(row.card.digits)) == row.card, "card \(row.card.digits) does not read back")
        do {
            try row.details.validate()
        } catch {
            invariant(false, "a row's details do not pass the registration checks: \(error)")
        }
    }
    return 0
}
