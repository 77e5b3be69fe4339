import Testing

@testable import Receipts

@Suite("Symbol matrices from libzint")
struct SymbolMatrixTests {
    @Test("A QR matrix is square (21 + 4k modules) with the three finder patterns in its corners")
    func qrShape() throws {
        let matrix = try SymbolMatrix.qrCode("https://example.org/k/2900000000018")
        let size = matrix.count
        #expect(size >= 21 && (size - 21) % 4 == 0)
        #expect(matrix.allSatisfy { $0.count == size })
        // A finder pattern: a dark 7×7 ring, a light ring inside it, a dark 3×3 centre.
        func finder(atRow row: Int, column: Int) -> Bool {
            (0..<7).allSatisfy { i in
                matrix[row][column + i] && matrix[row + 6][column + i] && matrix[row + i][column]
                    && matrix[row + i][column + 6]
            } && !matrix[row + 1][column + 1] && matrix[row + 3][column + 3]
        }
        #expect(finder(atRow: 0, column: 0))
        #expect(finder(atRow: 0, column: size - 7))
        #expect(finder(atRow: size - 7, column: 0))
        #expect(!finder(atRow: size - 7, column: size - 7))
    }

    @Test(
        "Code 128 is one row starting with the start bars (11 modules: 2 bars 1 space ...) and ending with the stop pattern"
    )
    func code128() throws {
        let row = try SymbolMatrix.code128("LG-1042")
        // Start B is 11010010000; the stop pattern is 1100011101011.
        #expect(Array(row.prefix(11)) == [true, true, false, true, false, false, true, false, false, false, false])
        #expect(
            Array(row.suffix(13)) == [
                true, true, false, false, false, true, true, true, false, true, false, true, true,
            ])
        #expect((row.count - 13) % 11 == 0)
    }
}
