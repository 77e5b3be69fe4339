import CEvdev
import Foundation

/// CLOCK_MONOTONIC as a Duration since an arbitrary point (boot): the one clock the drivers
/// measure with. It never steps, so a wall-clock change (NTP setting the time at boot on a
/// till PC without an RTC battery) can neither split a scan nor hold one back. Keyboard event
/// stamps are asked for on this clock too (`libevdev_set_clock_id`); wall-clock time is only
/// derived at the edge, for the `at` a till sees (`wallClockDate(of:)`).
///
/// Not Swift's `ContinuousClock`: on Linux that is CLOCK_BOOTTIME, while evdev is asked for
/// CLOCK_MONOTONIC, as libinput does.
public enum MonotonicClock {
    public static func now() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }

    /// The wall-clock moment of a monotonic instant, from how long ago it was.
    public static func wallClockDate(of instant: Duration) -> Date {
        let now = now()
        return Date().addingTimeInterval(-(now - instant).seconds)
    }
}

extension Duration {
    /// The duration in seconds, as a Double (for poll timeouts and dates).
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
