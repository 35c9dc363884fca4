/// NTP timestamps (RFC 5905 §6): seconds since 1900-01-01 in the high 32 bits, a binary fraction in the low 32.
public enum NTPTime {
    /// Seconds from 1900-01-01 to 1970-01-01.
    public static let unixEpochOffsetSeconds: Int64 = 2_208_988_800

    /// The 64-bit NTP timestamp of a Unix time in microseconds (wraps in 2036, as NTP era 0 does).
    public static func from(unixMicros: Int64) -> UInt64 {
        var seconds = unixMicros / 1_000_000
        var micros = unixMicros % 1_000_000
        if micros < 0 { micros += 1_000_000; seconds -= 1 }
        let ntpSeconds = UInt64(truncatingIfNeeded: seconds + unixEpochOffsetSeconds) & 0xFFFF_FFFF
        let fraction = (UInt64(micros) << 32) / 1_000_000
        return ntpSeconds << 32 | fraction
    }

    /// The Unix time in microseconds of an NTP timestamp (era 0), rounded down.
    public static func unixMicros(_ ntp: UInt64) -> Int64 {
        let seconds = Int64(ntp >> 32) - unixEpochOffsetSeconds
        let micros = Int64(((ntp & 0xFFFF_FFFF) * 1_000_000) >> 32)
        return seconds * 1_000_000 + micros
    }

    /// The middle 32 bits, as carried in LSR (last SR) of a reception report (RFC 3550 §6.4.1).
    public static func middle32(_ ntp: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: ntp >> 16)
    }
}
