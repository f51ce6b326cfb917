import NavetCore
import Testing

/// `Timestamp(iso:)`: the UTC offsets people can write are those that exist, −14:00 to
/// +14:00 (ISO 8601 allows more; no place uses them). It took +14:59.
@Suite struct TimestampTests {
    @Test func offsetsStopAtFourteenHours() {
        for text in ["2026-11-30T12:00+14:00", "2026-11-30T12:00-14:00", "2026-11-30T12:00+05:45", "2026-11-30T12:00Z",
                     "2026-11-30 12:00:30+01:00"] {
            #expect(Timestamp(iso: text) != nil, "\(text)")
        }
        for text in ["2026-11-30T12:00+14:01", "2026-11-30T12:00-14:30", "2026-11-30T12:00+15:00", "2026-11-30T12:00+01:60",
                     "2026-11-30T12:00+1:00", "2026-11-30T24:00+01:00", "2026-02-30T12:00+01:00"] {
            #expect(Timestamp(iso: text) == nil, "\(text)")
        }
        #expect(Timestamp(iso: "2026-11-30T12:00+14:00")?.offsetMinutes == 840)
        #expect(Timestamp(iso: "2026-11-30T12:00-14:00")?.offsetMinutes == -840)
    }
}
