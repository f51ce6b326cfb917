import NavetCore

/// The pure rules that rewrite a replica's pending changes when its identity in the sync
/// history changes (Protocol/BUNDLE.md, "Replica identity"): a file that fell behind its
/// own history renumbers its pending changes after the ones the server holds, and
/// `navet enroll` moves them to a new origin. No I/O: the stores call these inside one
/// transaction and rebuild their log from the result.
enum Identity {
    struct CellStamp: Hashable {
        let record: RecordID
        let field: String
        let stamp: Stamp
    }

    struct Cell: Hashable {
        let record: RecordID
        let field: String
    }

    enum Failure: Error {
        /// A version at the top of the u64 range: no stamp above it exists.
        case versionExhausted
    }

    /// Rewrites `pending` (changes of one origin that never left this file, in sequence
    /// order) as changes of `origin` numbered `firstSeq, firstSeq + 1, ...`.
    ///
    /// With `raiseVersions`, each change's version becomes one more than the highest
    /// version in its cell among `known` and the changes rewritten before it, so no two
    /// different changes share a stamp whatever the other changes of `origin` held
    /// elsewhere are. Without it the versions stay (right only for an origin no other
    /// change uses). A change that replaced a pending change replaces its rewritten
    /// stamp; stamps of other changes stay as they were: a pending change still replaces
    /// exactly the values its author saw, and a value it never saw stays a conflict.
    /// The new version is above every stamp it replaces, as `CellMerge` requires, and an
    /// append-only record's single change keeps version 1 (its cell has no other change).
    static func rewrite(
        _ pending: [Change], origin: ReplicaID, firstSeq: UInt64, known: [Change], raiseVersions: Bool
    ) throws(Failure) -> [Change] {
        var highest: [Cell: UInt64] = [:]
        if raiseVersions {
            for change in known {
                let cell = Cell(record: change.recordID, field: change.field)
                highest[cell] = max(highest[cell] ?? 0, change.version)
            }
        }
        var renamed: [CellStamp: Stamp] = [:]
        var result: [Change] = []
        var seq = firstSeq
        for change in pending {
            let cell = Cell(record: change.recordID, field: change.field)
            var version = change.version
            if raiseVersions {
                let (next, overflow) = (highest[cell] ?? 0).addingReportingOverflow(1)
                if overflow { throw .versionExhausted }
                // Never below its own old version, so it still exceeds what it replaces.
                version = max(next, change.version)
                highest[cell] = version
            }
            let replaces = change.replaces.map {
                renamed[CellStamp(record: change.recordID, field: change.field, stamp: $0)] ?? $0
            }
            let rewritten = Change(
                origin: origin, seq: seq, version: version, replaces: replaces, wallTime: change.wallTime,
                recordType: change.recordType, recordID: change.recordID, field: change.field, value: change.value,
                tag: change.tag)
            renamed[CellStamp(record: change.recordID, field: change.field, stamp: change.stamp)] = rewritten.stamp
            result.append(rewritten)
            let (following, overflow) = seq.addingReportingOverflow(1)
            if overflow { throw .versionExhausted }
            seq = following
        }
        return result
    }
}
