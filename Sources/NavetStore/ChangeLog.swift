#if canImport(Glibc)
import Glibc
#endif
import NavetCore
import NavetSQLite

/// The field-level change log and visible state shared by replica and central store:
/// applies changes by the `CellMerge` rule, incrementally, and answers queries.
///
/// Applying a change C to its cell (see DESIGN.md in this folder):
/// 1. insert C into `changes` unless `(origin, seq)` is there (then it must be identical);
/// 2. C is a head unless some received change already replaced it. That can only be the
///    case when C's stamp is below the cell's winner, because a replacing change has a
///    higher version than what it replaces;
/// 3. each stamp C replaces goes into `superseded`; if that change was here and still a
///    head, the cell loses a head;
/// 4. the cell's winner becomes C if C has the highest stamp.
///
/// The central store merges each upload in memory (`merging`): steps 1–3 run per change,
/// step 4 keeps the cell's winner and head count in memory, and each cell touched is
/// written once at the end of the upload; the sender's new changes are inserted at the end
/// too, each with its final `superseded` mark (`flushChanges`).
final class ChangeLog {
    let db: Database
    private var statements: [String: Statement] = [:]

    /// Whether this file keeps `child_order` (replicas, layout 23): each child record's
    /// name sort keys, written with the cells they derive from.
    let keepsChildOrder: Bool

    /// Whether this file is laid out as the central store's (layouts 25 and 26) rather
    /// than indexing `changes` by `UNIQUE(origin, seq)` and by record:
    ///
    /// - a change is found by `(origin, seq)` through `change_runs`: each run is a stretch
    ///   of one origin's changes with consecutive seqs and consecutive ids, so an upload's
    ///   new changes cost one run row instead of one index entry each; every insert into
    ///   `changes` notes its run (`noteStored`), and nothing deletes from `changes`;
    /// - each cell's changes are linked into a chain: a merged change's row names the change
    ///   of its cell that arrived before it (`changes.previous`), each cell row the last to
    ///   arrive (`cells.latest`); the merge's rare lookups by stamp (a change that replaces a
    ///   stamp other than the cell's winner) and a cell's heads walk it. Refused changes are
    ///   in no chain.
    let keepsRunsAndChains: Bool

    init(db: Database, keepsChildOrder: Bool = false, keepsRunsAndChains: Bool = false) {
        self.db = db
        self.keepsChildOrder = keepsChildOrder
        self.keepsRunsAndChains = keepsRunsAndChains
    }

    private func statement(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] { return cached }
        let prepared = try db.prepare(sql)
        statements[sql] = prepared
        return prepared
    }

    /// `Database.query` through the statement cache, for statements run once per upload or
    /// sync: preparing one (parsing and planning its SQL) cost more than running it, about
    /// 30,000 instructions each time (callgrind). Only for SQL text without values in it.
    @discardableResult
    func query(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> [[SQLValue]] {
        try statement(sql).rows(arguments)
    }

    /// `query`'s first column of the first row, or nil.
    func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> SQLValue? {
        try query(sql, arguments).first?.first
    }

    /// The columns `readChange` expects, in order, optionally qualified by a table alias.
    static func columns(_ alias: String = "") -> String {
        ["origin", "seq", "version", "replaces", "wall_time", "record_type", "record_id", "field", "value_kind",
         "value", "tag"].map { alias + $0 }.joined(separator: ", ")
    }

    enum Outcome: Equatable {
        case applied(id: Int64)
        case duplicate
    }

    /// The statements `apply` runs for every change, prepared once per connection and held
    /// by position: looking them up by their SQL text cost a hash of ~200 bytes each time.
    private enum Hot: Int, CaseIterable {
        case selectCell, pendingReplaced, insertChange, insertChangeWithChild, forgetPending, markWinner, markStamp, stampExists,
             addPending, updateWinner, updateHeads, upsertChildOrder, addChildOrder,
             insertChangeByRun, insertChangeWithChildByRun, lastRun, runAtOrBelow, extendRun, addRun, changeByID,
             selectCellWithLatest, chainLink, updateWinnerAndLatest, updateHeadsAndLatest

        var sql: String {
            switch self {
            case .selectCell: "SELECT version, origin, change_id FROM cells WHERE record_id = ? AND field = ?"
            case .pendingReplaced:
                "SELECT 1 FROM superseded WHERE record_id = ? AND field = ? AND version = ? AND origin = ?"
            case .insertChange:
                """
                INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id,
                                    field, value_kind, value, tag, received_at, superseded)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(origin, seq) DO NOTHING
                """
            case .insertChangeWithChild:
                // The central store also records the child each change is about (layout 9).
                """
                INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id,
                                    field, value_kind, value, tag, received_at, superseded, child_id)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(origin, seq) DO NOTHING
                """
            case .forgetPending:
                "DELETE FROM superseded WHERE record_id = ? AND field = ? AND version = ? AND origin = ?"
            case .markWinner: "UPDATE changes SET superseded = 1 WHERE id = ? AND superseded = 0"
            case .markStamp:
                """
                UPDATE changes SET superseded = 1
                WHERE record_id = ? AND field = ? AND version = ? AND origin = ? AND superseded = 0
                """
            case .stampExists: "SELECT 1 FROM changes WHERE record_id = ? AND field = ? AND version = ? AND origin = ?"
            case .addPending:
                "INSERT INTO superseded(record_id, field, version, origin) VALUES (?,?,?,?) ON CONFLICT DO NOTHING"
            case .updateWinner:
                """
                UPDATE cells SET version = ?, origin = ?, change_id = ?, value_kind = ?, value = ?, tag = ?,
                                 heads = heads + ?
                WHERE record_id = ? AND field = ?
                """
            case .updateHeads: "UPDATE cells SET heads = heads + ? WHERE record_id = ? AND field = ?"
            case .upsertChildOrder:
                """
                INSERT INTO child_order(record_id, sv, en) VALUES (?,?,?)
                ON CONFLICT(record_id) DO UPDATE SET sv = excluded.sv, en = excluded.en
                """
            case .addChildOrder: "INSERT INTO child_order(record_id) VALUES (?) ON CONFLICT(record_id) DO NOTHING"
            // The central store (`keepsRunsAndChains`): no UNIQUE(origin, seq) to meet; the
            // caller looks the change up first (`heldID`).
            // Parameter 14 is `previous` (NULL for a cell's first change).
            case .insertChangeByRun:
                """
                INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id,
                                    field, value_kind, value, tag, received_at, superseded, previous)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """
            case .insertChangeWithChildByRun:
                """
                INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id,
                                    field, value_kind, value, tag, received_at, superseded, previous, child_id)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """
            case .lastRun:
                "SELECT first_seq, last_seq, first_id FROM change_runs WHERE origin = ? ORDER BY first_seq DESC LIMIT 1"
            case .runAtOrBelow:
                """
                SELECT first_seq, last_seq, first_id FROM change_runs WHERE origin = ? AND first_seq <= ?
                ORDER BY first_seq DESC LIMIT 1
                """
            case .extendRun: "UPDATE change_runs SET last_seq = ? WHERE origin = ? AND first_seq = ?"
            case .addRun: "INSERT INTO change_runs(origin, first_seq, last_seq, first_id) VALUES (?,?,?,?)"
            case .changeByID: "SELECT \(ChangeLog.columns()) FROM changes WHERE id = ?"
            // Cell chains (`keepsRunsAndChains`).
            case .selectCellWithLatest: "SELECT version, origin, change_id, latest FROM cells WHERE record_id = ? AND field = ?"
            case .chainLink: "SELECT version, origin, superseded, previous, record_id, field FROM changes WHERE id = ?"
            case .updateWinnerAndLatest:
                """
                UPDATE cells SET version = ?, origin = ?, change_id = ?, value_kind = ?, value = ?, tag = ?,
                                 heads = heads + ?, latest = ?
                WHERE record_id = ? AND field = ?
                """
            case .updateHeadsAndLatest: "UPDATE cells SET heads = heads + ?, latest = ? WHERE record_id = ? AND field = ?"
            }
        }
    }

    // The merge's own state below is read and written several times per change. The
    // properties are private, the log is used by one thread at a time (it is not Sendable),
    // and no access to them overlaps another (the full test suite ran with the checks on),
    // so their dynamic exclusivity checks, about 150 instructions each (a thread-local
    // lookup), are turned off: about 1,000 instructions per merged change.
    @exclusivity(unchecked) private var hot: [Statement?] = Array(repeating: nil, count: Hot.allCases.count)

    /// Prepared on first use: `insertChangeWithChild` names a column only the central store has.
    private func hot(_ which: Hot) throws(SQLiteError) -> Statement {
        if let prepared = hot[which.rawValue] { return prepared }
        let prepared = try db.prepare(which.sql)
        hot[which.rawValue] = prepared
        return prepared
    }

    /// A cell's state while changes are merged in memory: its winner and head count as
    /// applying the changes one by one would leave them, written to `cells` once, by
    /// `flushCells`.
    private struct PendingCell {
        var key: CellKey
        /// Whether `cells` has a row for the cell; then `headDelta` is added to its `heads`.
        var stored: Bool
        var winner: Stamp
        var winnerID: Int64
        /// Where the winning change is, once a change merged here replaced the stored
        /// winner (always set when there is no row): its columns are written.
        var newWinner: ChangeSource?
        /// Heads gained (+1 per change not replaced) less heads lost (a head replaced).
        var headDelta: Int64
        /// With `keepsRunsAndChains`: the id of the cell's change that arrived last (0: none).
        var latestID: Int64 = 0
    }

    /// Where a change the merge holds on to is: in the upload being merged (`merging`'s
    /// `upload`, by position), or copied into `ownChanges`. Pending changes and cells hold a
    /// position, not a copy: a copy of a change retains and later releases each of its
    /// strings and its stamps, an atomic operation each.
    private enum ChangeSource {
        case upload(Int)
        case own(Int)
    }

    /// A cell's key in `pending`: equal when the record and the field's UTF-8 bytes are, as
    /// SQLite's `BINARY` comparison in `cells` has it (`String`'s `==` would also equate
    /// canonically equivalent spellings). A field name of up to 24 bytes (every schema
    /// field's) is held as three words, so comparing and hashing a key reads no string; a
    /// longer one is kept whole as well and compared byte by byte.
    struct PendingKey: Hashable {
        var record: Int64
        var length: Int
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var long: String?

        init(record: Int64, field: String) {
            self.record = record
            var field = field
            length = field.utf8.count
            field.withUTF8 { bytes in
                withUnsafeMutableBytes(of: &words) {
                    $0.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.prefix(24))))
                }
            }
            if length > 24 { long = field }
        }

        static func == (lhs: PendingKey, rhs: PendingKey) -> Bool {
            guard lhs.record == rhs.record, lhs.length == rhs.length, lhs.words == rhs.words else { return false }
            guard var left = lhs.long, var right = rhs.long else { return true }
            return left.withUTF8 { a in right.withUTF8 { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
        }

        func hash(into hasher: inout Hasher) {
            // One word through the standard (seeded) hasher; a long name's bytes past the
            // first 24 are left to `==`. Keys of one field name never share a word (the
            // record differs), so an upload can make at most one key per field name share
            // a hash: a crafted upload cannot pile more than the schema's fields into one.
            hasher.combine(UInt64(bitPattern: record) ^ (words.0 &* 0x9E37_79B9_7F4A_7C15)
                           ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ (words.2 &* 0x1656_67B1_9E37_79F9)
                           ^ UInt64(truncatingIfNeeded: length))
        }
    }

    /// Cells touched since the last `flushCells`, in the order first touched, and where each
    /// is in that list. Kept apart so that `flushCells` sorts and reads positions, never
    /// copying a cell with its change.
    @exclusivity(unchecked) private var pendingCells: [PendingCell] = []
    @exclusivity(unchecked) private var pending: [PendingKey: Int] = [:]
    /// The upload `merging` merges, when its caller applies the changes by position
    /// (`apply(uploaded:receivedAt:childID:)`).
    @exclusivity(unchecked) private var upload: [Change] = []
    /// Copies of the changes pending rows and cells name that are not in `upload` (a change
    /// applied as a value, the rare winner inserted at once). Kept until `merging` ends,
    /// outside it until `flushCells`.
    @exclusivity(unchecked) private var ownChanges: [Change] = []
    /// Set while `merging` runs: `apply` leaves its cells in `pending`.
    @exclusivity(unchecked) private var inMemory = false

    /// A change merged in memory whose row is not written yet (`flushChanges`).
    private struct PendingChange {
        var source: ChangeSource
        var receivedAt: Int64
        var childID: RecordID?
        var superseded: Bool
        /// With `keepsRunsAndChains`: the id of the change of the same cell that arrived before
        /// this one (0: none, written as NULL).
        var previous: Int64 = 0
    }

    /// Changes merged with their insert deferred, in arrival order, kept until `merging`
    /// ends (pending cells name their winners here). Those from `flushedChanges` on are not
    /// inserted yet: the first of them has id `pendingFirstID`, the next ones the following ids.
    @exclusivity(unchecked) private var pendingChanges: [PendingChange] = []
    @exclusivity(unchecked) private var flushedChanges = 0
    @exclusivity(unchecked) private var pendingFirstID: Int64 = 0
    /// The id the next deferred change gets, when known (nil: read `max(id)` first).
    @exclusivity(unchecked) private var nextID: Int64?
    /// While `merging(origin:)` runs: the origin whose changes above `deferAbove` are known
    /// not to be held, so their insert can wait. `deferAbove` is the highest seq of that
    /// origin held or taken in this upload (merged, pending or stored as refused): a change
    /// at or below it may be a copy, and is inserted at once after the pending ones, where
    /// the `UNIQUE(origin, seq)` check (on the central store, `heldID`) finds the copy.
    @exclusivity(unchecked) private var deferOrigin: ReplicaID?
    @exclusivity(unchecked) private var deferAbove: UInt64 = 0
    /// With `keepsRunsAndChains`, while `merging(origin:held:)` runs: every seq of that origin
    /// up to here is held (`origins.contiguous_seq`), so a seq at or below it that no run
    /// finds is damage.
    @exclusivity(unchecked) private var heldThrough: UInt64 = 0

    /// Runs `body`, in which `apply` merges each cell's state in memory, then writes every
    /// cell it touched once (`flushCells`). Every change still goes into `changes` as it is
    /// applied, with its `superseded` mark, so the history and the arrival order are as
    /// with one `apply` at a time, and so is the resulting `cells` row (the merge rule
    /// depends on the set of changes only). Must run inside the caller's transaction; code
    /// in `body` that reads `cells` calls `flushCells` first. On a throw the cells not yet
    /// written are dropped (the caller's transaction rolls back).
    ///
    /// With an `origin` (the uploading replica), the inserts of its changes into `changes`
    /// wait too (`flushChanges`), for changes whose seq is above every seq of that origin
    /// held when the upload starts (so none of them can be held): each gets the id the
    /// insert would have given it (`max(id) + 1` on), and a change replaced within the upload is inserted
    /// already marked `superseded`, so the update that marks it goes. Whatever reads or
    /// marks `changes` by anything but a pending change's id writes the pending changes
    /// first (a replaced stamp other than the cell's winner, a change not deferred, a
    /// refused change, a query), so every row and mark is the one applying the changes
    /// one at a time leaves.
    ///
    /// With an `upload`, `body` may apply its changes by position (`apply(uploaded:…)`):
    /// the merge then reads them where they lie and holds positions, not copies.
    func merging<T>(origin: ReplicaID? = nil, held: UInt64 = 0, upload: [Change] = [],
                    _ body: () throws -> T) throws -> T {
        if inMemory { return try body() }
        inMemory = true
        self.upload = upload
        defer {
            inMemory = false
            self.upload = []
            pending.removeAll(keepingCapacity: true)
            pendingCells.removeAll(keepingCapacity: true)
            ownChanges.removeAll(keepingCapacity: true)
            pendingChanges.removeAll(keepingCapacity: true)
            flushedChanges = 0
            deferOrigin = nil
            nextID = nil
            heldThrough = 0
        }
        if let origin {
            if keepsRunsAndChains {
                deferAbove = try lastRun(of: origin)?.lastSeq ?? 0
                // The runs must reach every seq the store says it holds.
                guard deferAbove >= held else {
                    throw StoreError.damaged(path: db.path, reason: "change_runs end at seq \(deferAbove) of origin \(origin), below the \(held) held")
                }
                heldThrough = held
            } else if case .integer(let seq) = try db.scalar("SELECT max(seq) FROM changes WHERE origin = ?",
                                                             [.integer(origin.int64)]) {
                deferAbove = UInt64(clamping: seq)
            } else {
                deferAbove = 0
            }
            deferOrigin = origin
        }
        let result = try body()
        try flushChanges()
        try flushCells()
        return result
    }

    /// Writes the changes whose insert `merging` deferred, with their ids and marks, up to
    /// `batchRows` rows per statement (`batchInsert`): one statement per row cost more in
    /// opening and closing the table's and indexes' cursors than in inserting the row.
    func flushChanges() throws {
        let first = flushedChanges, count = pendingChanges.count - first
        guard count > 0 else { return }
        let changeColumns = keepsRunsAndChains ? Self.changeRowColumns + ["previous"] : Self.changeRowColumns
        try withChanges { change in
            try pendingChanges.withUnsafeBufferPointer { entries in
                try batchInsert(count: count, columns: changeColumns, into: "changes") { insert, base, index in
                    let entry = entries.baseAddress! + first + index
                    try bindChangeRow(change(entry.pointee.source), entry, id: pendingFirstID + Int64(index),
                                      to: insert, at: base)
                }
                if keepsRunsAndChains {
                    // Consecutive ids by construction; a run ends where the origin or the seq breaks.
                    var start = first
                    for index in (first + 1)...entries.count {
                        if index < entries.count {
                            let previous = change(entries[index - 1].source), next = change(entries[index].source)
                            if next.pointee.origin == previous.pointee.origin,
                               next.pointee.seq == previous.pointee.seq &+ 1 { continue }
                        }
                        let firstChange = change(entries[start].source)
                        try noteStored(origin: firstChange.pointee.origin, firstSeq: firstChange.pointee.seq,
                                       lastSeq: change(entries[index - 1].source).pointee.seq,
                                       firstID: pendingFirstID + Int64(start - first))
                        start = index
                    }
                }
            }
        }
        nextID = pendingFirstID + Int64(count)
        flushedChanges = pendingChanges.count
    }

    /// Runs `body` with a way to reach each change a `ChangeSource` names, in place: the
    /// pointers are valid while `body` runs, and `upload` and `ownChanges` do not change.
    private func withChanges<T>(_ body: ((ChangeSource) -> UnsafePointer<Change>) throws -> T) throws -> T {
        try upload.withUnsafeBufferPointer { uploaded in
            try ownChanges.withUnsafeBufferPointer { own in
                try body { source in
                    switch source {
                    case .upload(let index): uploaded.baseAddress! + index
                    case .own(let index): own.baseAddress! + index
                    }
                }
            }
        }
    }

    /// Binds a deferred change's `changes` row (`changeRowColumns`, then `previous` with
    /// `keepsRunsAndChains`) at parameters `base + 1` on.
    private func bindChangeRow(_ change: UnsafePointer<Change>, _ entry: UnsafePointer<PendingChange>, id: Int64,
                               to insert: Statement, at base: Int32) throws {
        insert.bind(id, at: base + 1)
        insert.bind(change.pointee.origin.int64, at: base + 2)
        insert.bind(Int64(bitPattern: change.pointee.seq), at: base + 3)
        insert.bind(Int64(bitPattern: change.pointee.version), at: base + 4)
        if change.pointee.replaces.isEmpty {
            try insert.bind(.null, at: base + 5)
        } else {
            insert.bind(Self.replacesText(change.pointee.replaces), at: base + 5)
        }
        insert.bind(change.pointee.wallTime, at: base + 6)
        insert.bind(change.pointee.recordType, at: base + 7)
        insert.bind(change.pointee.recordID.int64, at: base + 8)
        insert.bind(change.pointee.field, at: base + 9)
        try Self.bindValue(change.pointee.value, to: insert, kindAt: base + 10, valueAt: base + 11)
        insert.bind(change.pointee.tag.rawValue, at: base + 12)
        insert.bind(entry.pointee.receivedAt, at: base + 13)
        insert.bind(entry.pointee.superseded ? 1 : 0, at: base + 14)
        if let child = entry.pointee.childID {
            insert.bind(child.int64, at: base + 15)
        } else {
            try insert.bind(.null, at: base + 15)
        }
        if keepsRunsAndChains {
            if entry.pointee.previous != 0 {
                insert.bind(entry.pointee.previous, at: base + 16)
            } else {
                try insert.bind(.null, at: base + 16)
            }
        }
    }

    /// The columns of a deferred `changes` row, in the order `flushChanges` binds them.
    private static let changeRowColumns = ["id", "origin", "seq", "version", "replaces", "wall_time", "record_type",
                                           "record_id", "field", "value_kind", "value", "tag", "received_at",
                                           "superseded", "child_id"]
    /// The columns of a new `cells` row, in the order `flushCells` binds them.
    private static let cellRowColumns = ["record_id", "field", "record_type", "version", "origin", "change_id",
                                         "value_kind", "value", "tag", "heads"]

    /// Rows per multi-row `INSERT` (`batchInsert`), at most: 64 rows of 15 columns bind 960
    /// parameters, under the 999 that SQLite before 3.32 allowed; a wider row takes fewer
    /// (`999 / columns`, 62 rows of the central store's 16).
    static let batchRows = 64
    static let maxParameters = 999

    /// Multi-row `INSERT … VALUES (…), (…)` statements, prepared once per connection, by
    /// table and row count (powers of two up to `batchRows`).
    private var batchStatements: [String: Statement] = [:]

    /// Inserts `count` rows into `table` with as few statements as the powers of two up to
    /// `batchRows` allow (64, 64, …, then the rest as 32 + 16 + … + 1 rows). `bind` binds row
    /// `index`'s values at parameters `base + 1 ... base + columns.count`.
    ///
    /// The rows are new by construction (their keys were looked up, or are above every key
    /// held), so a row SQLite did not insert means the file holds what it should not: that
    /// throws `notANavetDatabase`, and the caller's transaction rolls back. `OR IGNORE`
    /// only keeps SQLite from opening a statement journal to undo the statement's earlier
    /// rows on a conflict (which spilled to a temporary file once the statement had
    /// touched 64 KiB of pages, and tripled the writes); the count check replaces it.
    private func batchInsert(
        count: Int, columns: [String], into table: String,
        bind: (_ statement: Statement, _ base: Int32, _ index: Int) throws -> Void
    ) throws {
        var done = 0
        while done < count {
            var rows = min(Self.batchRows, Self.maxParameters / columns.count)
            while rows > count - done { rows /= 2 }
            let key = "\(table) \(rows)"
            let insert: Statement
            if let cached = batchStatements[key] {
                insert = cached
            } else {
                let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
                insert = try db.prepare("INSERT OR IGNORE INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
                                        + Array(repeating: row, count: rows).joined(separator: ","))
                batchStatements[key] = insert
            }
            insert.reset()
            for offset in 0..<rows {
                try bind(insert, Int32(offset * columns.count), done + offset)
            }
            while try insert.step() {}
            guard db.changes == rows else {
                throw StoreError.damaged(path: db.path, reason: "a new row of \(table) was already there")
            }
            done += rows
        }
    }

    // MARK: Cell chains (the central store, `keepsRunsAndChains`)

    /// Walks `cell`'s chain from the change `id` (a change of that cell, already written)
    /// back to its first change, and returns the change with `stamp`, with its id and
    /// whether it is replaced; nil when no merged change of the cell has that stamp. One row
    /// read per step: for the merge's rare paths, never per change.
    func findInChain(_ stamp: Stamp, from id: Int64, cell: CellKey) throws -> (id: Int64, superseded: Bool)? {
        var next = id
        while next != 0 {
            let link = try chainLink(next, cell: cell)
            if link.stamp == stamp { return (next, link.superseded) }
            next = link.previous
        }
        return nil
    }

    /// One link of `cell`'s chain: the row `id`, checked to be of that cell. Each link
    /// points to a lower id, so a walk always ends.
    private func chainLink(_ id: Int64, cell: CellKey) throws -> (stamp: Stamp, superseded: Bool, previous: Int64) {
        let select = try hot(.chainLink)
        select.reset()
        select.bind(id, at: 1)
        defer { select.reset() }
        guard try select.step(), select.int64(at: 4) == cell.recordID.int64, select.text(at: 5) == cell.field else {
            throw StoreError.damaged(path: db.path, reason: "a chain of changes leaves its cell")
        }
        let previous = select.isNull(at: 3) ? 0 : select.int64(at: 3)
        guard previous >= 0, previous < id else {
            throw StoreError.damaged(path: db.path, reason: "a chain of changes does not go back")
        }
        return (Stamp(version: UInt64(clamping: select.int64(at: 0)),
                      origin: ReplicaID(rawValue: UInt64(bitPattern: select.int64(at: 1)))),
                select.int64(at: 2) != 0, previous)
    }

    /// With `keepsRunsAndChains`: the ids of `cell`'s merged changes, latest first.
    private func chain(of cell: CellKey) throws -> [Int64] {
        try flushChanges()
        try flushCells()
        guard case .integer(let latest)? = try db.scalar("SELECT latest FROM cells WHERE record_id = ? AND field = ?",
                                                        [.integer(cell.recordID.int64), .text(cell.field)]) else { return [] }
        var ids: [Int64] = []
        var next = latest
        while next != 0 {
            ids.append(next)
            next = try chainLink(next, cell: cell).previous
        }
        return ids
    }

    // MARK: Runs of changes (the central store, `keepsRunsAndChains`)

    /// A stretch of one origin's changes: seqs `firstSeq ... lastSeq` have ids `firstID`,
    /// `firstID + 1`, … in the same order.
    struct ChangeRun: Equatable {
        var firstSeq: UInt64
        var lastSeq: UInt64
        var firstID: Int64

        /// The id of `seq`, which must be within the run.
        func id(of seq: UInt64) -> Int64 { firstID + Int64(seq - firstSeq) }
    }

    private func readRun(_ select: Statement) throws -> ChangeRun? {
        defer { select.reset() }
        return try readRunRow(select)
    }

    /// The next row of a statement selecting `first_seq, last_seq, first_id`, checked.
    private func readRunRow(_ select: Statement) throws -> ChangeRun? {
        guard try select.step() else { return nil }
        let first = select.int64(at: 0), last = select.int64(at: 1), id = select.int64(at: 2)
        guard first >= 1, last >= first, id >= 1, id <= Int64.max - (last - first) else {
            throw StoreError.damaged(path: db.path, reason: "a run of changes out of range")
        }
        return ChangeRun(firstSeq: UInt64(first), lastSeq: UInt64(last), firstID: id)
    }

    /// The run holding `origin`'s highest seq, or nil when none of its changes is held.
    func lastRun(of origin: ReplicaID) throws -> ChangeRun? {
        let select = try hot(.lastRun)
        select.reset()
        select.bind(origin.int64, at: 1)
        return try readRun(select)
    }

    /// The id of the change `(origin, seq)` when it is held. Needs `keepsRunsAndChains`.
    func heldID(origin: ReplicaID, seq: UInt64) throws -> Int64? {
        guard seq >= 1, seq <= UInt64(Int64.max) else { return nil }
        let select = try hot(.runAtOrBelow)
        select.reset()
        select.bind(origin.int64, at: 1)
        select.bind(Int64(seq), at: 2)
        guard let run = try readRun(select), seq <= run.lastSeq else { return nil }
        return run.id(of: seq)
    }

    /// Notes that `origin`'s seqs `firstSeq ... lastSeq`, none held before, were just
    /// inserted with ids `firstID` on: extends the origin's last run when they follow it in
    /// both seq and id, or adds a run. Needs `keepsRunsAndChains`.
    func noteStored(origin: ReplicaID, firstSeq: UInt64, lastSeq: UInt64, firstID: Int64) throws {
        guard firstSeq >= 1, lastSeq >= firstSeq, lastSeq <= UInt64(Int64.max) else {
            throw StoreError.damaged(path: db.path, reason: "a change's seq out of range")
        }
        if let last = try lastRun(of: origin), last.lastSeq &+ 1 == firstSeq, last.id(of: last.lastSeq) &+ 1 == firstID {
            let extend = try hot(.extendRun)
            extend.reset()
            extend.bind(Int64(lastSeq), at: 1)
            extend.bind(origin.int64, at: 2)
            extend.bind(Int64(last.firstSeq), at: 3)
            while try extend.step() {}
            return
        }
        let add = try hot(.addRun)
        add.reset()
        add.bind(origin.int64, at: 1)
        add.bind(Int64(firstSeq), at: 2)
        add.bind(Int64(lastSeq), at: 3)
        add.bind(firstID, at: 4)
        while try add.step() {}
    }

    /// Called by code that inserts a change of the uploading origin into `changes` itself
    /// during `merging` (a refused change, `storeRefused`), after `flushChanges` and its
    /// insert: a later copy in the upload is then a duplicate, and the next id is read again.
    func noteInserted(_ change: Change) {
        nextID = nil
        if inMemory, change.origin == deferOrigin { deferAbove = max(deferAbove, change.seq) }
    }

    /// Writes the cells merged in memory: the new ones by record, up to `batchRows` per
    /// statement (`batchInsert`), then one update per stored cell that changed, in the
    /// order the cells were first touched.
    func flushCells() throws {
        guard !pendingCells.isEmpty else { return }
        defer {
            pending.removeAll(keepingCapacity: true)
            pendingCells.removeAll(keepingCapacity: true)
            // Within `merging` pending changes may still name their copies.
            if !inMemory { ownChanges.removeAll(keepingCapacity: true) }
        }
        // A cell without a row got its first winner from this merge. They are inserted by
        // record (the table's key order, so each record's cells go to one place in the
        // b-tree), each record's in the order first touched: sorting pairs of integers cost
        // less than half of sorting by the whole key (record and field name).
        var byRecord: [(record: UInt64, position: Int)] = []
        for position in pendingCells.indices where !pendingCells[position].stored {
            if pendingCells[position].newWinner == nil { continue }
            byRecord.append((pendingCells[position].key.recordID.rawValue, position))
        }
        byRecord.sort { $0.record < $1.record || ($0.record == $1.record && $0.position < $1.position) }
        let fresh = byRecord.map(\.position)
        let cellColumns = keepsRunsAndChains ? Self.cellRowColumns + ["latest"] : Self.cellRowColumns
        try withChanges { change in
            try pendingCells.withUnsafeBufferPointer { cells in
                try flushCells(cells, fresh: fresh, columns: cellColumns) { $0.map(change) }
            }
        }
    }

    /// `flushCells`, with the cells and the changes they name in place (no copies).
    private func flushCells(
        _ cells: UnsafeBufferPointer<PendingCell>, fresh: [Int], columns: [String],
        winner: (ChangeSource?) -> UnsafePointer<Change>?
    ) throws {
        try batchInsert(count: fresh.count, columns: columns, into: "cells") { insert, base, index in
            let cell = cells.baseAddress! + fresh[index]
            guard let change = winner(cell.pointee.newWinner) else {
                throw StoreError.notANavetDatabase(path: db.path, reason: "a new cell without a winner")
            }
            insert.bind(cell.pointee.key.recordID.int64, at: base + 1)
            insert.bind(cell.pointee.key.field, at: base + 2)
            insert.bind(change.pointee.recordType, at: base + 3)
            insert.bind(Int64(bitPattern: change.pointee.version), at: base + 4)
            insert.bind(change.pointee.origin.int64, at: base + 5)
            insert.bind(cell.pointee.winnerID, at: base + 6)
            try Self.bindValue(change.pointee.value, to: insert, kindAt: base + 7, valueAt: base + 8)
            insert.bind(change.pointee.tag.rawValue, at: base + 9)
            insert.bind(cell.pointee.headDelta, at: base + 10)
            if keepsRunsAndChains { insert.bind(cell.pointee.latestID, at: base + 11) }
        }
        if keepsChildOrder {
            // A child's new cells are next to each other (by record): one statement makes
            // sure of its `child_order` row, and the name's cell sets its keys.
            var orderedChild: Int64?
            for position in fresh {
                let cell = cells.baseAddress! + position
                guard let change = winner(cell.pointee.newWinner), change.pointee.recordType == "child" else { continue }
                let record = cell.pointee.key.recordID.int64
                if cell.pointee.key.field == "name" || orderedChild != record {
                    try keepChildOrder(record, field: cell.pointee.key.field, value: change.pointee.value)
                    orderedChild = record
                }
            }
        }
        for position in cells.indices where cells[position].stored {
            let cell = cells.baseAddress! + position
            let record = cell.pointee.key.recordID.int64
            // With cell chains every cell here took a change, so its `latest` moved: it is
            // bound after the other values.
            if let change = winner(cell.pointee.newWinner) {
                let update = try hot(keepsRunsAndChains ? .updateWinnerAndLatest : .updateWinner)
                update.reset()
                update.bind(Int64(bitPattern: change.pointee.version), at: 1)
                update.bind(change.pointee.origin.int64, at: 2)
                update.bind(cell.pointee.winnerID, at: 3)
                try Self.bindValue(change.pointee.value, to: update, kindAt: 4, valueAt: 5)
                update.bind(change.pointee.tag.rawValue, at: 6)
                update.bind(cell.pointee.headDelta, at: 7)
                bindLatestAndKey(update, cell.pointee, at: 8)
                while try update.step() {}
                if keepsChildOrder, cell.pointee.key.field == "name", change.pointee.recordType == "child" {
                    try keepChildOrder(record, field: cell.pointee.key.field, value: change.pointee.value)
                }
            } else if keepsRunsAndChains || cell.pointee.headDelta != 0 {
                let update = try hot(keepsRunsAndChains ? .updateHeadsAndLatest : .updateHeads)
                update.reset()
                update.bind(cell.pointee.headDelta, at: 1)
                bindLatestAndKey(update, cell.pointee, at: 2)
                while try update.step() {}
            }
        }
    }

    /// Binds, from parameter `index` on, the cell's `latest` (with cell chains) and then its
    /// key (`record_id`, `field`): the tail of every update of a stored cell.
    private func bindLatestAndKey(_ statement: Statement, _ cell: borrowing PendingCell, at index: Int32) {
        var next = index
        if keepsRunsAndChains {
            statement.bind(cell.latestID, at: next)
            next += 1
        }
        statement.bind(cell.key.recordID.int64, at: next)
        statement.bind(cell.key.field, at: next + 1)
    }

    // MARK: The kept order of children (layout 23)

    /// Keeps `child_order` in step with a child cell just written: the name's sort keys
    /// (NULL for a value shown as nothing) for the `name` cell, or at least a row (no
    /// keys) for the child's first cell of another field.
    private func keepChildOrder(_ record: Int64, field: String, value: FieldValue) throws {
        if field == "name" {
            let keys = try hot(.upsertChildOrder)
            keys.reset()
            keys.bind(record, at: 1)
            try Self.bindOrderKeys(value.displayText, to: keys, at: 2)
            while try keys.step() {}
        } else {
            let row = try hot(.addChildOrder)
            row.reset()
            row.bind(record, at: 1)
            while try row.step() {}
        }
    }

    /// Binds `name`'s Swedish and English sort keys at `index` and `index + 1` (NULLs for nil).
    static func bindOrderKeys(_ name: String?, to statement: Statement, at index: Int32) throws(SQLiteError) {
        guard let name else {
            try statement.bind(.null, at: index)
            try statement.bind(.null, at: index + 1)
            return
        }
        try statement.bind(.blob(TextRules.collationBytes(name, .swedish)), at: index)
        try statement.bind(.blob(TextRules.collationBytes(name, .english)), at: index + 1)
    }

    /// Rebuilds one record's `child_order` row from its cells (after a cell was recomputed
    /// or deleted): a row while the record has child cells, with its name's keys; none
    /// otherwise.
    func refreshChildOrder(_ record: RecordID) throws {
        guard keepsChildOrder else { return }
        let select = try statement("""
            SELECT max(record_type = 'child'),
                   max(CASE WHEN field = 'name' AND record_type = 'child' THEN \(ReplicaStore.displaySQL()) END)
            FROM cells WHERE record_id = ?
            """)
        select.reset()
        select.bind(record.int64, at: 1)
        guard try select.step() else { select.reset(); return }
        let isChild = !select.isNull(at: 0) && select.int64(at: 0) == 1
        let name = select.isNull(at: 1) ? nil : select.text(at: 1)
        select.reset()
        if isChild {
            let keys = try hot(.upsertChildOrder)
            keys.reset()
            keys.bind(record.int64, at: 1)
            try Self.bindOrderKeys(name, to: keys, at: 2)
            while try keys.step() {}
        } else {
            try statement("DELETE FROM child_order WHERE record_id = ?").run([.integer(record.int64)])
        }
    }

    /// Applies one change. Must run inside a transaction; the change must already have
    /// passed `Schema.validate`. See DESIGN.md in this folder for the steps.
    /// `childID`: on the central store, the child the change is about (stored with it).
    ///
    /// Inside `merging` the cell's new state stays in memory until `flushCells`; otherwise
    /// it is written before `apply` returns. Binds each parameter by position (no
    /// `[SQLValue]` array per statement).
    func apply(_ change: Change, receivedAt: Int64, childID: RecordID? = nil) throws -> Outcome {
        try withUnsafePointer(to: change) { try apply($0, uploaded: nil, receivedAt: receivedAt, childID: childID) }
    }

    /// `apply` for the change at `index` of the upload `merging` was given: read where it
    /// lies, and named by its position while its row and cell are pending (no copy of it).
    func apply(uploaded index: Int, receivedAt: Int64, childID: RecordID? = nil) throws -> Outcome {
        precondition(upload.indices.contains(index), "apply(uploaded:) needs merging(upload:)")
        return try upload.withUnsafeBufferPointer {
            try apply($0.baseAddress! + index, uploaded: index, receivedAt: receivedAt, childID: childID)
        }
    }

    /// `apply` on the change at `change` (valid for the call), which is `upload[uploaded]`
    /// when that is given and a value to copy when the merge keeps it otherwise.
    private func apply(_ change: UnsafePointer<Change>, uploaded: Int?, receivedAt: Int64,
                       childID: RecordID?) throws -> Outcome {
        let record = change.pointee.recordID.int64
        let field = change.pointee.field
        func bindStamp(_ statement: Statement, _ stamp: Stamp) {
            statement.reset()
            statement.bind(record, at: 1)
            statement.bind(field, at: 2)
            statement.bind(Int64(bitPattern: stamp.version), at: 3)
            statement.bind(stamp.origin.int64, at: 4)
        }
        func run(_ statement: Statement) throws {
            while try statement.step() {}
        }

        // The cell's winner, and its change row, before this change: merged in memory in
        // this upload, or as stored. Read field by field: a pending cell is updated in place.
        let key = PendingKey(record: record, field: field)
        let position = pending[key]
        var cell: (stored: Bool, winner: Stamp, winnerID: Int64, latestID: Int64)?
        if let position {
            cell = (pendingCells[position].stored, pendingCells[position].winner, pendingCells[position].winnerID,
                    pendingCells[position].latestID)
        } else {
            let selectCell = try hot(keepsRunsAndChains ? .selectCellWithLatest : .selectCell)
            selectCell.reset()
            selectCell.bind(record, at: 1)
            selectCell.bind(field, at: 2)
            if try selectCell.step() {
                cell = (stored: true,
                        winner: Stamp(version: UInt64(clamping: selectCell.int64(at: 0)),
                                      origin: ReplicaID(rawValue: UInt64(clamping: selectCell.int64(at: 1)))),
                        winnerID: selectCell.int64(at: 2),
                        latestID: keepsRunsAndChains ? selectCell.int64(at: 3) : 0)
            }
            selectCell.reset()
        }
        // The change of this cell that arrived last, before this one (0: none).
        let previous = cell?.latestID ?? 0

        // Was this change replaced by one that arrived first? Only possible below the winner,
        // since a replacing change has a higher stamp than what it replaces.
        var alreadyReplaced = false
        if let cell, change.pointee.stamp < cell.winner {
            let pendingReplaced = try hot(.pendingReplaced)
            bindStamp(pendingReplaced, change.pointee.stamp)
            alreadyReplaced = try pendingReplaced.step()
            pendingReplaced.reset()
        }

        let deferred = inMemory && change.pointee.origin == deferOrigin && change.pointee.seq > deferAbove
        let id: Int64
        var slot: ChangeSource?  // where the change is, once the merge holds on to it
        if deferred {
            // Not held, nor taken earlier in this upload: its seq is above all of those.
            deferAbove = change.pointee.seq
            if pendingChanges.count == flushedChanges {
                if nextID == nil {
                    if case .integer(let last) = try scalar("SELECT max(id) FROM changes") {
                        nextID = last + 1
                    } else {
                        nextID = 1
                    }
                }
                pendingFirstID = nextID ?? 1
            }
            id = pendingFirstID + Int64(pendingChanges.count - flushedChanges)
            let source = ownSource(change, uploaded: uploaded)
            slot = source
            pendingChanges.append(PendingChange(source: source, receivedAt: receivedAt, childID: childID,
                                                superseded: alreadyReplaced, previous: previous))
        } else {
            try flushChanges()  // ids in arrival order, and the duplicate check reads `changes`
            guard let inserted = try insertNow(change.pointee, receivedAt: receivedAt, childID: childID,
                                               alreadyReplaced: alreadyReplaced, previous: previous) else { return .duplicate }
            id = inserted
            slot = nil  // set below if it wins
        }

        if alreadyReplaced {
            let forget = try hot(.forgetPending)
            bindStamp(forget, change.pointee.stamp)
            try run(forget)
        }

        var headDelta: Int64 = alreadyReplaced ? 0 : 1
        for stamp in change.pointee.replaces {
            if let cell, stamp == cell.winner {
                // The common edit: it replaces the value shown, which is present and a head
                // unless another change replaced it already. Still pending (merged in this
                // upload, not inserted yet): it is inserted marked.
                let offset = cell.winnerID - pendingFirstID
                if offset >= 0, offset < Int64(pendingChanges.count - flushedChanges) {
                    let index = flushedChanges + Int(offset)
                    if !pendingChanges[index].superseded {
                        pendingChanges[index].superseded = true
                        headDelta -= 1
                    }
                    continue
                }
                let mark = try hot(.markWinner)
                mark.reset()
                mark.bind(cell.winnerID, at: 1)
                try run(mark)
                headDelta -= Int64(db.changes)
                continue
            }
            // Any other stamp is found by its cell in `changes` (rare: a merge of concurrent
            // edits, or a change replacing one not arrived yet): the pending rows go first.
            try flushChanges()
            if keepsRunsAndChains {
                // This change's row heads the cell's chain now.
                if let found = try findInChain(stamp, from: id, cell: CellKey(recordID: change.pointee.recordID, field: field)) {
                    if !found.superseded {
                        let mark = try hot(.markWinner)
                        mark.reset()
                        mark.bind(found.id, at: 1)
                        try run(mark)
                        headDelta -= 1
                    }
                } else {
                    let add = try hot(.addPending)
                    bindStamp(add, stamp)
                    try run(add)
                }
                continue
            }
            let mark = try hot(.markStamp)
            bindStamp(mark, stamp)
            try run(mark)
            if db.changes == 1 {
                headDelta -= 1
                continue
            }
            // Not marked: already replaced, or not arrived yet. Remember the latter.
            let exists = try hot(.stampExists)
            bindStamp(exists, stamp)
            let present = try exists.step()
            exists.reset()
            if !present {
                let add = try hot(.addPending)
                bindStamp(add, stamp)
                try run(add)
            }
        }

        // This change's place as its cell's winner, when it wins.
        func winnerSlot() -> ChangeSource {
            if let slot { return slot }
            let source = ownSource(change, uploaded: uploaded)
            slot = source
            return source
        }
        if let position {
            if change.pointee.stamp > pendingCells[position].winner {
                pendingCells[position].winner = change.pointee.stamp
                pendingCells[position].winnerID = id
                pendingCells[position].newWinner = winnerSlot()
            }
            pendingCells[position].headDelta += headDelta
            pendingCells[position].latestID = id
        } else {
            pending[key] = pendingCells.count
            if let cell {
                let wins = change.pointee.stamp > cell.winner
                pendingCells.append(PendingCell(key: CellKey(recordID: change.pointee.recordID, field: field), stored: cell.stored,
                                                winner: wins ? change.pointee.stamp : cell.winner,
                                                winnerID: wins ? id : cell.winnerID,
                                                newWinner: wins ? winnerSlot() : nil, headDelta: headDelta, latestID: id))
            } else {
                pendingCells.append(PendingCell(key: CellKey(recordID: change.pointee.recordID, field: field), stored: false,
                                                winner: change.pointee.stamp, winnerID: id,
                                                newWinner: winnerSlot(), headDelta: headDelta, latestID: id))
            }
        }
        if !inMemory { try flushCells() }
        return .applied(id: id)
    }


    /// Where the merge finds `change` later: its place in the upload, or a copy.
    private func ownSource(_ change: UnsafePointer<Change>, uploaded: Int?) -> ChangeSource {
        if let uploaded { return .upload(uploaded) }
        ownChanges.append(change.pointee)
        return .own(ownChanges.count - 1)
    }

    /// Step 3 of `apply`, done at once: inserts the change and returns its id, or nil when
    /// the same change is held (throws `conflictingDuplicate` for another one).
    private func insertNow(_ change: Change, receivedAt: Int64, childID: RecordID?, alreadyReplaced: Bool,
                           previous: Int64) throws -> Int64? {
        let record = change.recordID.int64
        let field = change.field
        if keepsRunsAndChains {
            if try heldID(origin: change.origin, seq: change.seq) != nil {
                guard try self.change(origin: change.origin, seq: change.seq) == change else {
                    throw StoreError.conflictingDuplicate(origin: change.origin, seq: change.seq)
                }
                return nil
            }
            if change.origin == deferOrigin, change.seq <= heldThrough {
                throw StoreError.damaged(path: db.path, reason: "change_runs miss seq \(change.seq) of origin \(change.origin), which is held")
            }
        }
        let insert = try hot(keepsRunsAndChains ? (childID == nil ? .insertChangeByRun : .insertChangeWithChildByRun)
                                             : (childID == nil ? .insertChange : .insertChangeWithChild))
        insert.reset()
        insert.bind(change.origin.int64, at: 1)
        insert.bind(Int64(bitPattern: change.seq), at: 2)
        insert.bind(Int64(bitPattern: change.version), at: 3)
        if change.replaces.isEmpty {
            try insert.bind(.null, at: 4)
        } else {
            insert.bind(Self.replacesText(change.replaces), at: 4)
        }
        insert.bind(change.wallTime, at: 5)
        insert.bind(change.recordType, at: 6)
        insert.bind(record, at: 7)
        insert.bind(field, at: 8)
        try Self.bindValue(change.value, to: insert, kindAt: 9, valueAt: 10)
        insert.bind(change.tag.rawValue, at: 11)
        insert.bind(receivedAt, at: 12)
        insert.bind(alreadyReplaced ? 1 : 0, at: 13)
        if keepsRunsAndChains {
            // The central store's statements: `previous` at 14, the child at 15.
            if previous != 0 {
                insert.bind(previous, at: 14)
            } else {
                try insert.bind(.null, at: 14)
            }
            if let childID { insert.bind(childID.int64, at: 15) }
        } else if let childID {
            insert.bind(childID.int64, at: 14)
        }
        while try insert.step() {}
        if db.changes == 0 {
            guard try self.change(origin: change.origin, seq: change.seq) == change else {
                throw StoreError.conflictingDuplicate(origin: change.origin, seq: change.seq)
            }
            return nil
        }
        nextID = nil
        let id = db.lastInsertRowID
        if keepsRunsAndChains { try noteStored(origin: change.origin, firstSeq: change.seq, lastSeq: change.seq, firstID: id) }
        return id
    }

    /// Binds a value as `encode` stores it: its kind and the value column.
    static func bindValue(_ value: FieldValue, to statement: Statement, kindAt: Int32, valueAt: Int32) throws(SQLiteError) {
        switch value {
        case .null:
            statement.bind(0, at: kindAt)
            try statement.bind(.null, at: valueAt)
        case .text(let text):
            statement.bind(1, at: kindAt)
            statement.bind(text, at: valueAt)
        case .int(let number):
            statement.bind(2, at: kindAt)
            statement.bind(number, at: valueAt)
        case .bool(let flag):
            statement.bind(3, at: kindAt)
            statement.bind(flag ? 1 : 0, at: valueAt)
        }
    }

    /// `replaces` as `encode(_: [Stamp])` writes it, built without intermediate strings.
    static func replacesText(_ stamps: [Stamp]) -> String {
        // Per stamp: a comma, at most 20 digits, a colon and 16 hex digits.
        String(unsafeUninitializedCapacity: stamps.count * 38) { buffer in
            var count = 0
            for (index, stamp) in stamps.enumerated() {
                if index > 0 {
                    buffer[count] = UInt8(ascii: ",")
                    count += 1
                }
                count += writeDecimal(stamp.version, into: buffer, at: count)
                buffer[count] = UInt8(ascii: ":")
                writeHex16(stamp.origin.rawValue, into: buffer, at: count + 1)
                count += 17
            }
            return count
        }
    }

    // MARK: Rewriting (replica identity, Protocol/BUNDLE.md "Replica identity")

    /// Every change held with the time it arrived, in arrival order.
    func entries() throws -> [(change: Change, receivedAt: Int64)] {
        try flushChanges()
        let select = try db.prepare("SELECT \(Self.columns()), received_at FROM changes ORDER BY id")
        var result: [(Change, Int64)] = []
        while try select.step() {
            result.append((try Self.readChange(select, from: 0), select.int64(at: 11)))
        }
        return result
    }

    /// Replaces the whole log by `entries` and recomputes the visible state from them.
    /// Must run inside the caller's transaction. The merge rule does not depend on the
    /// order changes arrive in, so the state equals what receiving them one by one
    /// would give. Costs one pass over the log: for the rare rewrites of a replica's
    /// identity (a catch-up that renumbers pending changes, `navet enroll`), never for sync.
    func rebuild(_ entries: [(change: Change, receivedAt: Int64)]) throws {
        statements = [:]
        pending.removeAll()
        pendingCells.removeAll()
        ownChanges.removeAll()
        pendingChanges.removeAll()
        flushedChanges = 0
        try db.execute("DELETE FROM changes; DELETE FROM cells; DELETE FROM superseded;")
        if keepsChildOrder { try db.execute("DELETE FROM child_order") }
        for entry in entries {
            _ = try apply(entry.change, receivedAt: entry.receivedAt)
        }
    }

    // MARK: Removing changes (redactions, refusals)

    /// Deletes one change by `(origin, seq)` and returns its cell, or nil when it is not
    /// held. Leaves the cell stale: call `recomputeCell` for each cell returned (once per
    /// cell, after all deletions). Must run inside the caller's transaction.
    func delete(origin: ReplicaID, seq: UInt64) throws -> CellKey? {
        try flushChanges()
        try flushCells()
        // Two statements, not DELETE … RETURNING: that needs SQLite 3.35, older than some
        // distributions still ship.
        let key: [SQLValue] = [.integer(origin.int64), .integer(Int64(min(seq, UInt64(Int64.max))))]
        let select = try statement("SELECT record_id, field FROM changes WHERE origin = ? AND seq = ?")
        try select.bind(key)
        defer { select.reset() }
        guard try select.step() else { return nil }
        let cell = CellKey(recordID: RecordID(rawValue: UInt64(bitPattern: select.int64(at: 0))), field: select.text(at: 1))
        select.reset()
        try statement("DELETE FROM changes WHERE origin = ? AND seq = ?").run(key)
        return cell
    }

    /// Rebuilds one cell's state from the changes of that cell present in `changes`, as
    /// merging exactly those changes from scratch would (see DESIGN.md in this folder):
    ///
    /// - a change is a head unless a present change replaces its stamp; `changes.superseded`
    ///   is set to match;
    /// - the winner is the head with the highest stamp (the highest stamp of all, since a
    ///   change only replaces lower stamps), and `cells.heads` the number of heads;
    /// - `superseded` keeps, for this cell, exactly the stamps that present changes
    ///   replace and whose change is absent;
    /// - the `cells` row is deleted when no change of the cell remains.
    ///
    /// Costs one read of the record's changes (the `changes_by_record` index). Must run
    /// inside the caller's transaction.
    func recomputeCell(record: RecordID, field: String) throws {
        try recomputeCellState(record: record, field: field)
        try refreshChildOrder(record)
    }

    private func recomputeCellState(record: RecordID, field: String) throws {
        try flushChanges()
        try flushCells()
        let key: [SQLValue] = [.integer(record.int64), .text(field)]
        let select = try db.prepare("""
            SELECT id, superseded, \(Self.columns()) FROM changes WHERE record_id = ? AND field = ?
            """)
        try select.bind(key)
        var present: [(id: Int64, flagged: Bool, change: Change)] = []
        while try select.step() {
            present.append((select.int64(at: 0), select.int64(at: 1) != 0, try Self.readChange(select, from: 2)))
        }
        select.reset()
        try db.query("DELETE FROM superseded WHERE record_id = ? AND field = ?", key)
        guard !present.isEmpty else {
            try db.query("DELETE FROM cells WHERE record_id = ? AND field = ?", key)
            return
        }
        let replaced = Set(present.flatMap(\.change.replaces))
        let stamps = Set(present.map(\.change.stamp))
        for stamp in replaced.subtracting(stamps).sorted() {
            try db.query("INSERT INTO superseded(record_id, field, version, origin) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                         key + [.integer(Int64(stamp.version)), .integer(stamp.origin.int64)])
        }
        var heads: [(id: Int64, change: Change)] = []
        for entry in present {
            let isReplaced = replaced.contains(entry.change.stamp)
            if isReplaced != entry.flagged {
                try db.query("UPDATE changes SET superseded = ? WHERE id = ?",
                             [.integer(isReplaced ? 1 : 0), .integer(entry.id)])
            }
            if !isReplaced { heads.append((entry.id, entry.change)) }
        }
        // With valid input the highest stamp is always a head; fall back to all changes
        // so that a cell never loses its row while changes remain.
        let candidates = heads.isEmpty ? present.map { ($0.id, $0.change) } : heads
        guard let winner = candidates.max(by: { $0.1.stamp < $1.1.stamp }) else { return }
        let (kind, value) = Self.encode(winner.1.value)
        try db.query("""
            INSERT INTO cells(record_id, field, record_type, version, origin, change_id, value_kind, value, tag, heads)
            VALUES (?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(record_id, field) DO UPDATE SET record_type = excluded.record_type, version = excluded.version,
                origin = excluded.origin, change_id = excluded.change_id, value_kind = excluded.value_kind,
                value = excluded.value, tag = excluded.tag, heads = excluded.heads
            """, key + [.text(winner.1.recordType), .integer(Int64(winner.1.version)), .integer(winner.1.origin.int64),
                        .integer(winner.0), .integer(kind), value, .text(winner.1.tag.rawValue),
                        .integer(Int64(heads.count))])
    }

    // MARK: Queries

    func change(origin: ReplicaID, seq: UInt64) throws -> Change? {
        try flushChanges()
        if keepsRunsAndChains {
            guard let id = try heldID(origin: origin, seq: seq) else { return nil }
            let select = try hot(.changeByID)
            select.reset()
            select.bind(id, at: 1)
            defer { select.reset() }
            let found = try select.step() ? try Self.readChange(select, from: 0) : nil
            guard let found, found.origin == origin, found.seq == seq else {
                throw StoreError.damaged(path: db.path, reason: "change_runs does not match changes")
            }
            return found
        }
        let select = try statement("SELECT \(Self.columns()) FROM changes WHERE origin = ? AND seq = ?")
        try select.bind([.integer(origin.int64), .integer(Int64(seq))])
        defer { select.reset() }
        return try select.step() ? try Self.readChange(select, from: 0) : nil
    }

    /// Changes matching a WHERE clause over `changes`, in the given order.
    /// Reading stops before the first change for which `more` returns false.
    func changes(
        where clause: String, _ arguments: [SQLValue], orderBy: String = "id", while more: (Change) -> Bool = { _ in true }
    ) throws -> [Change] {
        try flushChanges()
        let select = try db.prepare("SELECT \(Self.columns()) FROM changes WHERE \(clause) ORDER BY \(orderBy)")
        try select.bind(arguments)
        var result: [Change] = []
        while try select.step() {
            let change = try Self.readChange(select, from: 0)
            guard more(change) || result.isEmpty else { break }
            result.append(change)
        }
        return result
    }

    /// `origin`'s changes with a seq above `after`, in seq order, at most `limit` of them.
    /// On the central store (`keepsRunsAndChains`) read run by run, each an id range.
    func changes(of origin: ReplicaID, after: UInt64, limit: Int) throws -> [Change] {
        let after = Int64(min(after, UInt64(Int64.max)))
        guard keepsRunsAndChains else {
            return try changes(where: "origin = ? AND seq > ?", [.integer(origin.int64), .integer(after)],
                               orderBy: "seq LIMIT \(max(limit, 0))")
        }
        try flushChanges()
        var result: [Change] = []
        let runs = try statement("""
            SELECT first_seq, last_seq, first_id FROM change_runs WHERE origin = ? AND last_seq > ? ORDER BY first_seq
            """)
        try runs.bind([.integer(origin.int64), .integer(after)])
        defer { runs.reset() }
        let select = try statement("SELECT \(Self.columns()) FROM changes WHERE id BETWEEN ? AND ? ORDER BY id")
        while result.count < limit, let run = try readRunRow(runs) {
            var seq = max(run.firstSeq, UInt64(after) + 1)
            try select.bind([.integer(run.id(of: seq)), .integer(run.id(of: run.lastSeq))])
            defer { select.reset() }
            while result.count < limit, try select.step() {
                let change = try Self.readChange(select, from: 0)
                guard change.origin == origin, change.seq == seq else {
                    throw StoreError.damaged(path: db.path, reason: "change_runs does not match changes")
                }
                result.append(change)
                seq += 1
            }
        }
        return result
    }

    /// The current heads of a cell, highest stamp first.
    func heads(_ cell: CellKey) throws -> [Change] {
        if keepsRunsAndChains {
            let ids = try chain(of: cell)
            guard !ids.isEmpty else { return [] }
            return try changes(where: "id IN (\(ids.map(String.init).joined(separator: ","))) AND superseded = 0", [],
                               orderBy: "version DESC, origin DESC")
        }
        return try changes(where: "record_id = ? AND field = ? AND superseded = 0",
                           [.integer(cell.recordID.int64), .text(cell.field)], orderBy: "version DESC, origin DESC")
    }

    /// The winning stamp of a cell, if it has any value.
    func winner(_ cell: CellKey) throws -> Stamp? {
        try flushCells()
        let rows = try db.query("SELECT version, origin FROM cells WHERE record_id = ? AND field = ?",
                                [.integer(cell.recordID.int64), .text(cell.field)])
        guard let row = rows.first, case .integer(let version) = row[0], case .integer(let origin) = row[1] else {
            return nil
        }
        return Stamp(version: UInt64(clamping: version), origin: ReplicaID(rawValue: UInt64(clamping: origin)))
    }

    /// The record type of a record, if any change of it has arrived.
    func recordType(of record: RecordID) throws -> String? {
        try flushCells()
        if case .text(let type) = try db.scalar("SELECT record_type FROM cells WHERE record_id = ? LIMIT 1",
                                                [.integer(record.int64)]) {
            return type
        }
        return nil
    }

    /// Cells of one record: field → (winning change, head count).
    func cells(of record: RecordID) throws -> [(change: Change, heads: Int)] {
        try flushChanges()
        try flushCells()
        let select = try db.prepare("""
            SELECT \(Self.columns("c.")), cells.heads
            FROM cells JOIN changes c ON c.id = cells.change_id
            WHERE cells.record_id = ? ORDER BY cells.field
            """)
        try select.bind([.integer(record.int64)])
        var result: [(Change, Int)] = []
        while try select.step() {
            result.append((try Self.readChange(select, from: 0), Int(select.int64(at: 11))))
        }
        return result
    }

    /// The visible state of one record.
    func snapshot(_ record: RecordID) throws -> RecordSnapshot {
        let cells = try cells(of: record)
        guard let first = cells.first else { throw StoreError.unknownRecord(record) }
        return RecordSnapshot(id: record, type: first.change.recordType,
                              fields: cells.map { FieldState(change: $0.change, headCount: $0.heads) })
    }

    /// Every cell with concurrent values, each with its heads (the shown value first).
    func conflicts() throws -> [Conflict] {
        try conflictedCells().map { cell in
            let heads = try heads(cell)
            return Conflict(cell: cell, recordType: heads[0].recordType, heads: heads)
        }
    }

    /// Runs `body` with `PRAGMA synchronous=OFF`, for tools that build large test stores:
    /// a crash during `body` may lose its edits (never corrupt the file), so never use it
    /// for real work.
    func withRelaxedDurability<T>(_ body: () throws -> T) throws -> T {
        try db.execute("PRAGMA synchronous=OFF")
        defer { try? db.execute("PRAGMA synchronous=FULL") }
        return try body()
    }

    /// Cells with more than one head.
    func conflictedCells() throws -> [CellKey] {
        try flushCells()
        return try db.query("SELECT record_id, field FROM cells WHERE heads > 1 ORDER BY record_id, field").map { row in
            guard case .integer(let record) = row[0], case .text(let field) = row[1] else {
                throw StoreError.notANavetDatabase(path: db.path, reason: "malformed cell row")
            }
            return CellKey(recordID: RecordID(rawValue: UInt64(clamping: record)), field: field)
        }
    }

    /// Records of one type, in id order: those with a cell of the type's anchor field.
    func records(ofType type: String) throws -> [RecordID] {
        try flushCells()
        let anchor = Schema.current.recordType(type)?.anchorField ?? ""
        return try db.query("SELECT record_id FROM cells WHERE record_type = ? AND field = ? ORDER BY record_id",
                            [.text(type), .text(anchor)])
            .compactMap { row in
                if case .integer(let id) = row[0] { return RecordID(rawValue: UInt64(clamping: id)) }
                return nil
            }
    }

    // MARK: Row encoding

    static func encode(_ value: FieldValue) -> (Int64, SQLValue) {
        switch value {
        case .null: return (0, .null)
        case .text(let text): return (1, .text(text))
        case .int(let number): return (2, .integer(number))
        case .bool(let flag): return (3, .integer(flag ? 1 : 0))
        }
    }

    /// `replaces` as readable text, "version:originhex" joined by ","; NULL when empty.
    static func encode(_ stamps: [Stamp]) -> SQLValue {
        stamps.isEmpty ? .null : .text(stamps.map { "\($0.version):\($0.origin)" }.joined(separator: ","))
    }

    static func decodeStamps(_ text: String) -> [Stamp]? {
        var stamps: [Stamp] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: ":")
            guard pieces.count == 2, let version = UInt64(pieces[0]), let origin = ReplicaID(hex: String(pieces[1]))
            else { return nil }
            stamps.append(Stamp(version: version, origin: origin))
        }
        return stamps
    }

    static func readChange(_ row: Statement, from first: Int) throws -> Change {
        let replacesText = row.isNull(at: first + 3) ? "" : row.text(at: first + 3)
        guard let replaces = decodeStamps(replacesText), let tag = Tag(rawValue: row.text(at: first + 10)) else {
            throw StoreError.notANavetDatabase(path: "", reason: "malformed change row")
        }
        let value: FieldValue
        switch row.int64(at: first + 8) {
        case 1: value = .text(row.text(at: first + 9))
        case 2: value = .int(row.int64(at: first + 9))
        case 3: value = .bool(row.int64(at: first + 9) != 0)
        default: value = .null
        }
        return Change(
            origin: ReplicaID(rawValue: UInt64(clamping: row.int64(at: first))),
            seq: UInt64(clamping: row.int64(at: first + 1)),
            version: UInt64(clamping: row.int64(at: first + 2)),
            replaces: replaces,
            wallTime: row.int64(at: first + 4),
            recordType: row.text(at: first + 5),
            recordID: RecordID(rawValue: UInt64(clamping: row.int64(at: first + 6))),
            field: row.text(at: first + 7),
            value: value,
            tag: tag)
    }
}
