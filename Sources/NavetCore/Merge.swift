/// The merge rule for one cell, as a pure function of the set of changes received.
///
/// The stores apply the same rule incrementally (see `NavetStore/DESIGN.md`); this form
/// is the reference the tests compare them with. Because it depends only on the set, any
/// order, batching or duplication of delivery gives the same result.
public enum CellMerge {
    /// The changes no other change of the set replaces, highest stamp first.
    /// More than one head means the cell is in conflict.
    public static func heads(of changes: [Change]) -> [Change] {
        let replaced = Set(changes.flatMap(\.replaces))
        var seen = Set<Stamp>()
        return changes
            .filter { !replaced.contains($0.stamp) && seen.insert($0.stamp).inserted }
            .sorted { $0.stamp > $1.stamp }
    }

    /// The value shown: the change with the highest stamp. It is always a head, because a
    /// change can only replace stamps lower than its own (see `validateReplaces`).
    public static func winner(of changes: [Change]) -> Change? {
        changes.max { $0.stamp < $1.stamp }
    }

    /// The highest version a change may carry: 2^62 − 1 (Protocol/BUNDLE.md,
    /// "Conventions"). Readers refuse more; the headroom keeps `version + 1` and the SQLite
    /// integers it is stored in from ever overflowing.
    public static let maxVersion: UInt64 = (1 << 62) - 1

    /// The version a new local edit of a cell gets, given the highest stamp seen there.
    /// May exceed `maxVersion` only after a peer sent that version; the store refuses the
    /// edit then (`SchemaError.versionExhausted`).
    public static func nextVersion(after current: Stamp?) -> UInt64 {
        (current?.version ?? 0) + 1
    }

    /// A change may only replace lower stamps of its own cell; anything else could let an
    /// old edit hide a newer one, so such a change is malformed.
    public static func validateReplaces(_ change: Change) -> Bool {
        guard change.version > 0, change.replaces.allSatisfy({ $0.version < change.version }) else { return false }
        // No stamp twice. Most changes replace one stamp or none; a handful are compared
        // pairwise, more through a set (building one cost a hashing and an allocation per change).
        let stamps = change.replaces
        if stamps.count < 2 { return true }
        if stamps.count <= 8 {
            for i in 1..<stamps.count where stamps[..<i].contains(stamps[i]) { return false }
            return true
        }
        return Set(stamps).count == stamps.count
    }
}
