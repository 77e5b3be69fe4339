import Foundation
import FuzzSupport
import LoyalgateProtocol
import LoyaltyDomain

/// One request line as the core and the gateway read it: the envelope (`id`, `op`), then the
/// parameters of every op (a till names any op it likes), the till transactions' own checks,
/// and, since the gateway and the CLI read the core's lines too, every answer and event shape.
/// Whatever decodes must encode and decode again to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let line = Data(FuzzInput(start, count).bytes)
    switch Request.parse(line) {
    case .success(let request):
        invariant(!request.op.isEmpty, "a request without an op was accepted")
        for op in CoreOp.all + GatewayOp.all { check(op, request) }
    case .failure(let failure):
        invariant(failure.error.code == .badRequest, "a line that is not a request is \(failure.error.code)")
    }
    for op in CoreOp.all + GatewayOp.all { answer(op, line) }
    if let event = try? JSONDecoder().decode(EventLine.self, from: line), let data = canonicalJSON(event) {
        let again = try? JSONDecoder().decode(EventLine.self, from: data)
        invariant(again.flatMap { canonicalJSON($0) } == data, "an event does not survive encoding and decoding again")
    }
    return 0
}

func check<Op: WireOperation>(_ op: Op.Type, _ request: Request) {
    let parameters: Op.Parameters
    do {
        parameters = try request.parameters(of: op)
    } catch {
        invariant(error.code == .badRequest, "\(Op.name): parameters refused with \(error.code)")
        return
    }
    sameAfterRoundTrip(parameters, Op.name)
    if let transaction = parameters as? any TillTransaction {
        _ = try? transaction.checked(needsLines: true)
        _ = try? transaction.time()
        for line in transaction.lines {
            for currency in ["EUR", "BGN", "JPY", "KWD"] {
                guard let currency = Currency(code: currency),
                    let sale = try? line.saleLine(currency: currency)
                else { continue }
                invariant(sale.amount.minorUnits >= 0, "a sale line of \(line.amount) became \(sale.amount.minorUnits)")
            }
        }
    }
    if let redeem = parameters as? CoreOp.TxnRedeem.Parameters { _ = try? redeem.ask() }
}

func answer<Op: WireOperation>(_ op: Op.Type, _ line: Data) {
    let (_, result) = Frame.answer(Op.Answer.self, from: line)
    if case .success(let answer) = result { sameAfterRoundTrip(answer, "\(Op.name) answer") }
}

/// Encoding, decoding and encoding again gives the same bytes (the types need not be Equatable).
func sameAfterRoundTrip<T: Codable>(_ value: T, _ what: String) {
    guard let data = canonicalJSON(value) else {
        invariant(false, "\(what): a decoded value could not be encoded again")
        return
    }
    do {
        let again = try JSONDecoder().decode(T.self, from: data)
        invariant(canonicalJSON(again) == data, "\(what): changed by encoding and decoding again")
    } catch {
        invariant(false, "\(what): its own encoding does not decode: \(error) \(String(decoding: data, as: UTF8.self))")
    }
}
