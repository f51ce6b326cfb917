/// A calendar date in ISO 8601 form (`YYYY-MM-DD`), validated without Foundation so the
/// core stays free of locale and time-zone rules.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month),
              (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Why text is not a date.
    public enum ParseError: Error, Hashable, Sendable {
        /// Not written `YYYY-MM-DD`.
        case notISO
        /// Written so, but the day does not exist (2009-02-30, 2009-13-01).
        case noSuchDay
        /// A real day before 1900 or after 2200.
        case outOfRange
    }

    /// Parses exactly `YYYY-MM-DD`, saying why text is not a date.
    public static func parse(_ text: String) -> Result<CalendarDate, ParseError> {
        guard let (y, m, d) = fields(text) else { return .failure(.notISO) }
        guard (1...12).contains(m), (1...daysIn(month: m, year: y)).contains(d) else { return .failure(.noSuchDay) }
        guard let date = CalendarDate(year: y, month: m, day: d) else { return .failure(.outOfRange) }
        return .success(date)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: String) {
        guard case .success(let date) = CalendarDate.parse(text) else { return nil }
        self = date
    }

    private static func fields(_ text: String) -> (Int, Int, Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        return (y, m, d)
    }

    /// The UTC calendar day of a time in milliseconds since 1970 (nil outside 1900–2200).
    public init?(unixMilliseconds: Int64) {
        let days = unixMilliseconds >= 0 ? unixMilliseconds / 86_400_000 : (unixMilliseconds + 1) / 86_400_000 - 1
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        guard (1900...2200).contains(year) else { return nil }
        self.init(year: Int(year), month: Int(month), day: Int(day))
    }

    /// Whole years from `self` to `later` (a birthday counts from the day itself; 29
    /// February counts from 1 March in other years); negative when `later` is earlier.
    public func years(until later: CalendarDate) -> Int {
        var years = later.year - year
        if years > 0, adding(years: years) > later { years -= 1 }
        if years < 0, adding(years: years) < later { years += 1 }
        return years
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The date the same day and month `years` later; 29 February becomes 1 March in a
    /// year without it (Swedish law counts a birthday that way).
    /// The result may fall outside 1900–2200 (it is then only compared and shown).
    public func adding(years: Int) -> CalendarDate {
        let target = year + years
        if month == 2, day == 29, CalendarDate.daysIn(month: 2, year: target) == 28 {
            return CalendarDate(unchecked: target, 3, 1)
        }
        return CalendarDate(unchecked: target, month, day)
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day 18 years after a birth date: the day the child turns 18.
    public var eighteenthBirthday: CalendarDate { adding(years: 18) }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Plausibility of a child's dates, checked when people type them. Pure: "today" is given.
public enum DateRules {
    /// Something wrong or odd about a child's dates.
    public enum Finding: Hashable, Sendable {
        /// Impossible: the birth date is after today.
        case birthInFuture(CalendarDate)
        /// Impossible: the arrival date is after today.
        case arrivalInFuture(CalendarDate)
        /// Impossible: the child arrived before being born.
        case arrivalBeforeBirth(birth: CalendarDate, arrival: CalendarDate)
        /// Unlikely: the child was 18 or older on arrival (age in whole years).
        case adultAtArrival(age: Int)
        /// Unlikely: by this birth date the person is older than `DateRules.unlikelyAge` today.
        case unlikelyAge(age: Int)

        /// Impossible findings refuse the input; the others are warnings.
        public var isImpossible: Bool {
            switch self {
            case .birthInFuture, .arrivalInFuture, .arrivalBeforeBirth: return true
            case .adultAtArrival, .unlikelyAge: return false
            }
        }
    }

    /// Older than this today (in whole years) is unlikely for a child Navet follows.
    public static let unlikelyAge = 25

    /// Every finding for a birth date and an arrival date (either may be missing),
    /// impossible ones first.
    public static func check(birth: CalendarDate?, arrival: CalendarDate?, today: CalendarDate) -> [Finding] {
        var findings: [Finding] = []
        if let birth, birth > today { findings.append(.birthInFuture(birth)) }
        if let arrival, arrival > today { findings.append(.arrivalInFuture(arrival)) }
        if let birth, let arrival, arrival < birth {
            findings.append(.arrivalBeforeBirth(birth: birth, arrival: arrival))
        }
        if let birth, let arrival, arrival >= birth, birth.years(until: arrival) >= 18 {
            findings.append(.adultAtArrival(age: birth.years(until: arrival)))
        }
        if let birth, birth <= today, birth.years(until: today) > unlikelyAge {
            findings.append(.unlikelyAge(age: birth.years(until: today)))
        }
        return findings.sorted { $0.isImpossible && !$1.isImpossible }
    }
}
