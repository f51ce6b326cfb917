/// The ordering stamp of one field-level change: a per-field logical version with the
/// origin replica as tie-break.
///
/// A replica that edits a field gives the new value `version = highest version it has
/// seen for that field + 1`. An edit made after seeing another therefore always has the
/// higher stamp, whatever the wall clocks say, and a replica whose clock runs days ahead
/// gains nothing from it. Wall-clock time travels with each change for display only.
public struct Stamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var version: UInt64
    public var origin: ReplicaID

    public init(version: UInt64, origin: ReplicaID) {
        self.version = version
        self.origin = origin
    }

    public static func < (lhs: Stamp, rhs: Stamp) -> Bool {
        (lhs.version, lhs.origin.rawValue) < (rhs.version, rhs.origin.rawValue)
    }

    public var description: String { "\(version)@\(origin)" }
}
