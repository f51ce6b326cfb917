/// A point in time as people write it: ISO 8601 with a UTC offset, to the minute or the
/// second (`2026-11-30T14:05+01:00`, `2026-11-30T13:05:30Z`). Stored with the offset it was
/// written in, so a reader sees the local time the writer meant; compared by the instant.
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00Z.
    public let unixMilliseconds: Int64
    /// The UTC offset it was written with, in minutes (-14 h ... +14 h).
    public let offsetMinutes: Int

    public init(unixMilliseconds: Int64, offsetMinutes: Int) {
        self.unixMilliseconds = unixMilliseconds
        self.offsetMinutes = offsetMinutes
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)` with a date in 1900–2200. A space may stand
    /// for the `T`. Nil for anything else (no offset, no such day, 24:00, 23:60).
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 17, let date = CalendarDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":")
        else { return nil }
        func number(_ start: Int) -> Int? {
            guard start + 2 <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + 2] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = number(11), hour < 24, let minute = number(14), minute < 60 else { return nil }
        var index = 16
        var second = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let s = number(index + 1), s < 60 else { return nil }
            second = s
            index += 3
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                  let oh = number(index + 1), let om = number(index + 4), om < 60, oh * 60 + om <= 14 * 60 else { return nil }
            offset = (oh * 60 + om) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let days = Int64(date.daysSince1970)
        let local = ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60 + Int64(second)
        self.init(unixMilliseconds: (local - Int64(offset) * 60) * 1000, offsetMinutes: offset)
    }

    /// The same instant written in Swedish time (`SwedishTime`).
    public init(swedishTimeAt unixMilliseconds: Int64) {
        self.init(unixMilliseconds: unixMilliseconds, offsetMinutes: SwedishTime.offsetMinutes(at: unixMilliseconds))
    }

    /// `YYYY-MM-DDTHH:MM[:SS]±HH:MM` (seconds only when not zero; `Z` never: the offset is
    /// always written out).
    public var description: String { text(alwaysSeconds: false) }

    /// `YYYY-MM-DDTHH:MM:SS±HH:MM`, seconds always written (logs and audit answers).
    public var descriptionWithSeconds: String { text(alwaysSeconds: true) }

    private func text(alwaysSeconds: Bool) -> String {
        let localSeconds = unixMilliseconds / 1000 + Int64(offsetMinutes) * 60
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds + 1) / 86_400 - 1
        let inDay = localSeconds - days * 86_400
        let date = CalendarDate(unixMilliseconds: days * 86_400_000).map(\.description) ?? "????-??-??"
        func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = "\(date)T\(pad(inDay / 3600)):\(pad(inDay / 60 % 60))"
        if alwaysSeconds || inDay % 60 != 0 { text += ":\(pad(inDay % 60))" }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let magnitude = Int64(abs(offsetMinutes))
        return text + "\(sign)\(pad(magnitude / 60)):\(pad(magnitude % 60))"
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.unixMilliseconds < rhs.unixMilliseconds }
}

/// Swedish civil time (Europe/Stockholm): UTC+1, and UTC+2 from 01:00 UTC on the last Sunday
/// of March to 01:00 UTC on the last Sunday of October (the EU rule, Directive 2000/84/EC,
/// in force since 1996). Computed here so that dates such as a consent's last day do not
/// depend on the machine's time-zone files.
public enum SwedishTime {
    /// The UTC offset in Sweden at an instant, in minutes: 60 or 120.
    public static func offsetMinutes(at unixMilliseconds: Int64) -> Int {
        guard let utcDay = CalendarDate(unixMilliseconds: unixMilliseconds) else { return 60 }
        let year = utcDay.year
        let start = (Int64(lastSunday(month: 3, year: year).daysSince1970) * 24 + 1) * 3_600_000
        let end = (Int64(lastSunday(month: 10, year: year).daysSince1970) * 24 + 1) * 3_600_000
        return unixMilliseconds >= start && unixMilliseconds < end ? 120 : 60
    }

    /// The Swedish calendar day at an instant (nil outside 1900–2200).
    public static func date(at unixMilliseconds: Int64) -> CalendarDate? {
        CalendarDate(unixMilliseconds: unixMilliseconds + Int64(offsetMinutes(at: unixMilliseconds)) * 60_000)
    }

    /// The Swedish calendar day at an instant, for policy evaluation: an instant outside
    /// 1900–2200 (a clock gone wrong) counts as 2000-01-01.
    public static func today(at unixMilliseconds: Int64) -> CalendarDate {
        date(at: unixMilliseconds) ?? CalendarDate(year: 2000, month: 1, day: 1)!
    }

    static func lastSunday(month: Int, year: Int) -> CalendarDate {
        let last = CalendarDate(year: year, month: month, day: 31)!
        // 1970-01-01 was a Thursday: weekday 0 = Thursday, 3 = Sunday.
        let weekday = ((last.daysSince1970 % 7) + 7) % 7
        let back = (weekday - 3 + 7) % 7
        return CalendarDate(unixMilliseconds: Int64(last.daysSince1970 - back) * 86_400_000)!
    }
}

extension CalendarDate {
    /// Days from 1970-01-01 to this date (negative before it).
    public var daysSince1970: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
