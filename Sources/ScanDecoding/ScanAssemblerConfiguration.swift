extension ScanAssembler {
    /// How a keyboard-wedge scanner is set up and how strictly its bursts are judged.
    public struct Configuration: Sendable, Equatable, Hashable {
        /// The key the scanner sends after each code.
        public enum Suffix: Sendable, Equatable, Hashable {
            case enter
            case tab
            /// No suffix: a code ends when no key has come for `idleGap` (see `flush(now:)`).
            case none
        }

        public var suffix: Suffix
        /// Scanners send keys a few milliseconds apart, so 50 ms of silence means the code is over
        /// (suffix `.none`) or, inside a burst that then goes on, that a person is typing.
        public var idleGap: Duration
        /// With a suffix configured: a burst that has had no keystroke for this long will never
        /// get its suffix and is dropped (reported, never a scan), so stray keys cannot spoil
        /// the next real scan.
        public var suffixTimeout: Duration
        /// Longest accepted burst, in UTF-8 bytes of the characters received (AIM prefix and
        /// removed control characters included), so memory stays bounded whatever arrives.
        public var maximumLength: Int
        /// A burst whose average gap between keystrokes (the suffix key included) is above this
        /// is a person typing, not a scanner.
        public var humanAverageGapThreshold: Duration

        public init(
            suffix: Suffix = .enter, idleGap: Duration = .milliseconds(50),
            suffixTimeout: Duration = .seconds(1), maximumLength: Int = 4096,
            humanAverageGapThreshold: Duration = .milliseconds(30)
        ) {
            self.suffix = suffix
            self.idleGap = idleGap
            self.suffixTimeout = suffixTimeout
            self.maximumLength = maximumLength
            self.humanAverageGapThreshold = humanAverageGapThreshold
        }
    }
}
