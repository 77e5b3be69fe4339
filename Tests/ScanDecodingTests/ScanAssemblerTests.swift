import Testing

@testable import ScanDecoding

/// Keystrokes `gap` apart starting at `start`, optionally followed by a suffix key.
func wedgeKeystrokes(
    _ text: String, start: Duration = .zero, gap: Duration = .milliseconds(4),
    suffix: ScanAssembler.Configuration.Suffix = .enter
) -> [KeyboardEvent] {
    var events = text.enumerated().map { KeyboardEvent.character($1, at: start + gap * $0) }
    let end = start + gap * text.count
    switch suffix {
    case .enter: events.append(.enter(at: end))
    case .tab: events.append(.tab(at: end))
    case .none: break
    }
    return events
}

extension ScanAssembler {
    mutating func feedAll(_ events: [KeyboardEvent]) -> [ScanOutcome] {
        events.flatMap { feed($0) }
    }
}

@Suite("ScanAssembler")
struct ScanAssemblerTests {
    @Test func assemblesTheUmockdevEAN13Recording() {
        let events = KeyEventFixture.keyboardEvents(KeyEventFixture.ean13Events)
        #expect(events.count == 14)
        var assembler = ScanAssembler()
        #expect(assembler.feedAll(events) == [.scan(Scan(symbology: .ean13, data: "4006381333931"))])
        #expect(!assembler.hasPendingInput)
    }

    @Test func stripsTheAIMPrefixAndKeepsGS() {
        var assembler = ScanAssembler()
        #expect(
            assembler.feedAll(wedgeKeystrokes("]C101000123456000121\u{1D}10AB")) == [
                .scan(Scan(symbology: .gs1128, data: "01000123456000121\u{1D}10AB"))
            ])
        #expect(
            assembler.feedAll(wedgeKeystrokes("]Q1hello", start: .seconds(1))) == [
                .scan(Scan(symbology: .qr, data: "hello"))
            ])
    }

    @Test func tabSuffixAndCharacterSuffixes() {
        var assembler = ScanAssembler(configuration: .init(suffix: .tab))
        #expect(
            assembler.feedAll(wedgeKeystrokes("ABC-123", suffix: .tab)) == [
                .scan(Scan(symbology: nil, data: "ABC-123"))
            ])
        // A "\t" character is the Tab key; in `.enter` mode "\r\n" is Enter.
        var enter = ScanAssembler()
        #expect(
            enter.feedAll(wedgeKeystrokes("XY", suffix: .none) + [.character("\r\n", at: .milliseconds(8))]) == [
                .scan(Scan(symbology: nil, data: "XY"))
            ])
    }

    @Test func idleGapEndsAScanWithoutSuffix() {
        var assembler = ScanAssembler(configuration: .init(suffix: .none))
        #expect(assembler.feedAll(wedgeKeystrokes("96385074", suffix: .none)).isEmpty)
        let deadline = assembler.flushDeadline
        #expect(deadline == .milliseconds(28 + 50))
        #expect(assembler.flush(now: .milliseconds(60)).isEmpty)  // too early
        #expect(assembler.flush(now: .milliseconds(78)) == [.scan(Scan(symbology: .ean8, data: "96385074"))])
        #expect(assembler.flush(now: .seconds(5)).isEmpty)
        // Without flush, the next burst's first key ends the previous burst.
        _ = assembler.feedAll(wedgeKeystrokes("ABCD", start: .seconds(10), suffix: .none))
        #expect(assembler.feed(.character("Z", at: .seconds(11))) == [.scan(Scan(symbology: nil, data: "ABCD"))])
    }

    @Test func humanTypingIsNeverAScan() {
        var assembler = ScanAssembler()
        // 35 ms apart: below the idle gap, above the 30 ms average threshold.
        #expect(assembler.feedAll(wedgeKeystrokes("4006381333931", gap: .milliseconds(35))) == [.discardedHumanTyping])
        // 150 ms apart: pauses above the idle gap; the whole line is one rejected burst.
        #expect(
            assembler.feedAll(wedgeKeystrokes("1234", start: .seconds(1), gap: .milliseconds(150))) == [
                .discardedHumanTyping
            ])
        // Scanner-fast except for one 200 ms pause: still never a scan.
        var paused = wedgeKeystrokes("40063813", start: .seconds(3), suffix: .none)
        paused += wedgeKeystrokes("33931", start: .seconds(3) + .milliseconds(200))
        #expect(assembler.feedAll(paused) == [.discardedHumanTyping])
        // A single key and Enter pressed by a person.
        #expect(
            assembler.feedAll(wedgeKeystrokes("5", start: .seconds(5), gap: .milliseconds(120))) == [
                .discardedHumanTyping
            ])
        // A lone Enter is nothing at all.
        #expect(assembler.feed(.enter(at: .seconds(7))).isEmpty)
    }

    @Test func strayKeysAreDroppedAfterTheSuffixTimeout() {
        var assembler = ScanAssembler()
        #expect(assembler.feed(.character("x", at: .zero)).isEmpty)
        #expect(assembler.flushDeadline == .seconds(1))
        #expect(assembler.flush(now: .milliseconds(999)).isEmpty)
        #expect(assembler.flush(now: .seconds(1)) == [.discardedHumanTyping])
        // Without a flush, the late scan's first key drops the stray key; the scan survives.
        _ = assembler.feed(.character("x", at: .seconds(2)))
        #expect(
            assembler.feedAll(wedgeKeystrokes("96385074", start: .seconds(5))) == [
                .discardedHumanTyping, .scan(Scan(symbology: .ean8, data: "96385074")),
            ])
        // Within the timeout the stray key and the scan are one burst with a pause: rejected.
        _ = assembler.feed(.character("x", at: .seconds(10)))
        #expect(
            assembler.feedAll(wedgeKeystrokes("96385074", start: .seconds(10) + .milliseconds(300))) == [
                .discardedHumanTyping
            ])
    }

    @Test func fastBurstWithoutTheConfiguredSuffixIsMalformed() {
        var assembler = ScanAssembler()
        #expect(assembler.feedAll(wedgeKeystrokes("ABCDEF", suffix: .none)).isEmpty)
        #expect(assembler.flushDeadline == .milliseconds(20) + .seconds(1))
        #expect(
            assembler.flush(now: .seconds(2)) == [
                .malformed("burst of 6 characters ended without the configured suffix")
            ])
    }

    @Test func endlessBurstIsOneTooLongAndNoScan() {
        var assembler = ScanAssembler(configuration: .init(suffix: .none, maximumLength: 100))
        var outcomes: [ScanOutcome] = []
        for index in 0..<10_000 {
            outcomes += assembler.feed(.character("7", at: .milliseconds(4) * index))
        }
        outcomes += assembler.flush(now: .seconds(3600))
        #expect(outcomes == [.tooLong(length: 101)])
        // After the idle gap the assembler accepts scans again.
        #expect(assembler.feedAll(wedgeKeystrokes("AB", start: .seconds(7200), suffix: .none)).isEmpty)
        #expect(assembler.flush(now: .seconds(7201)) == [.scan(Scan(symbology: nil, data: "AB"))])
    }

    @Test func overflowLastsUntilTheSuffix() {
        var assembler = ScanAssembler(configuration: .init(maximumLength: 5))
        #expect(assembler.feedAll(wedgeKeystrokes("ABCDEFGHIJ")) == [.tooLong(length: 6)])
        #expect(!assembler.hasPendingInput)
        #expect(
            assembler.feedAll(wedgeKeystrokes("ABCDE", start: .milliseconds(60))) == [
                .scan(Scan(symbology: nil, data: "ABCDE"))
            ])
        // The limit counts UTF-8 bytes: three two-byte characters are 6 bytes.
        #expect(assembler.feedAll(wedgeKeystrokes("ééé", start: .seconds(1))) == [.tooLong(length: 6)])
    }

    @Test func controlCharactersAreGarbageNotData() {
        var assembler = ScanAssembler()
        #expect(
            assembler.feedAll(wedgeKeystrokes("AB\u{1B}C\u{7F}D\u{E000}")) == [
                .garbage("\u{1B}\u{7F}\u{E000}"), .scan(Scan(symbology: nil, data: "ABCD")),
            ])
        // Enter is a control character when Tab is the suffix.
        var tab = ScanAssembler(configuration: .init(suffix: .tab))
        #expect(tab.feedAll(wedgeKeystrokes("AB")).isEmpty)
        #expect(tab.feed(.tab(at: .milliseconds(12))) == [.garbage("\n"), .scan(Scan(symbology: nil, data: "AB"))])
        // A burst of nothing but garbage reports only the garbage.
        #expect(
            tab.feedAll(wedgeKeystrokes("\u{1B}\u{1B}", start: .seconds(1), suffix: .tab)) == [.garbage("\u{1B}\u{1B}")]
        )
    }

    @Test func resetDropsThePendingBurst() {
        var assembler = ScanAssembler()
        _ = assembler.feedAll(wedgeKeystrokes("]E0400638", suffix: .none))
        assembler.reset()
        #expect(!assembler.hasPendingInput)
        #expect(assembler.flushDeadline == nil)
        #expect(
            assembler.feedAll(wedgeKeystrokes("96385074", start: .milliseconds(40))) == [
                .scan(Scan(symbology: .ean8, data: "96385074"))
            ])
    }

    @Test func isGarbageClassification() {
        #expect(ScanAssembler.isGarbage("\u{0}"))
        #expect(ScanAssembler.isGarbage("\u{1B}"))
        #expect(!ScanAssembler.isGarbage("\u{1D}"))
        #expect(!ScanAssembler.isGarbage("é"))
        #expect(!ScanAssembler.isGarbage(" "))
        #expect(!ScanAssembler.isGarbage("€"))
    }
}
