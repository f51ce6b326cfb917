/// Reading a local time that people type without an offset as Swedish civil time.
extension SwedishTime {
    /// What a local time without an offset means in Sweden.
    public enum LocalReading: Hashable, Sendable {
        /// One instant: the usual case.
        case unique(Timestamp)
        /// The time never happened: the clocks went forward past it (02:00–02:59 on the last
        /// Sunday of March).
        case gap
        /// The time happened twice: the clocks went back over it (02:00–02:59 on the last
        /// Sunday of October), once in summer time (+02:00) and an hour later in winter time
        /// (+01:00).
        case overlap(summer: Timestamp, winter: Timestamp)
    }

    /// Reads `YYYY-MM-DD HH:MM[:SS]` (or with `T`) as Swedish civil time, in the rule of
    /// `offsetMinutes(at:)`. Nil when the text is not such a local time (an offset given,
    /// no such day, 24:00, a date outside 1900–2200).
    public static func reading(local text: String) -> LocalReading? {
        guard let asUTC = Timestamp(iso: text + "Z") else { return nil }
        let local = asUTC.unixMilliseconds
        let found = [120, 60].compactMap { offset -> Timestamp? in
            let instant = local - Int64(offset) * 60_000
            return offsetMinutes(at: instant) == offset ? Timestamp(unixMilliseconds: instant, offsetMinutes: offset) : nil
        }
        switch found.count {
        case 0: return .gap
        case 1: return .unique(found[0])
        default: return .overlap(summer: found[0], winter: found[1])
        }
    }
}
