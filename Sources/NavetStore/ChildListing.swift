import NavetCore
import NavetSQLite

// Lists that stream (issue 15, point 4): `navet child list` on a replica of 100,000
// children reads its rows from SQLite one at a time, in the order it shows them, instead of
// loading every child and sorting in Swift. The order is SQL's: `navet_collation(text,
// language)` (registered on the connection) gives each name the bytes of
// `TextRules.collationBytes`, which compare as `TextRules.collationKey` does.

/// One field of a record as a list shows it: its value, tag and head count, read from
/// `cells` alone (no change metadata).
public struct ListedField: Hashable, Sendable {
    public let name: String
    public let value: FieldValue
    public let tag: Tag
    public let heads: Int
    public var inConflict: Bool { heads > 1 }
}

/// One child in list order (`forEachListedChild`): what the first pass of `navet child
/// list` needs to filter, size the columns and fill the read-log entry, without the rest.
public struct ListedChild: Sendable {
    public let id: RecordID
    /// The name as shown (nil when this replica does not hold it).
    public let name: String?
    /// The assigned municipality as text (nil when not held).
    public let municipality: String?
    public let birthDate: FieldValue
    public let asylumStatus: FieldValue
    /// Some field of the child has concurrent values.
    public let inConflict: Bool
    /// Every field held, with its tag, and whether its value needs no purpose to be shown
    /// (`Tag.displayNeedsNoPurpose`).
    public let fieldTags: [FieldTag]
}

/// A field held, its tag, and whether showing its value needs no purpose.
public typealias FieldTag = (field: String, tag: String, exempt: Bool)

extension ReplicaStore {
    /// `Tag.displayNeedsNoPurpose` in SQL, for a cell of `cells`: its one value (no
    /// concurrent ones, which are shown too) is a child's `protected_identity` false.
    static let displayNeedsNoPurposeSQL =
        "(record_type = 'child' AND field = 'protected_identity' AND value_kind = 3 AND value = 0 AND heads = 1)"

    /// The text a field's value shows as (`FieldValue.displayText`), in SQL, for `value_kind` and `value`.
    static func displaySQL(_ prefix: String = "") -> String {
        """
        CASE \(prefix)value_kind WHEN 1 THEN \(prefix)value WHEN 2 THEN CAST(\(prefix)value AS TEXT) \
        WHEN 3 THEN CASE WHEN \(prefix)value THEN 'yes' ELSE 'no' END END
        """
    }

    /// Registers `navet_collation(text, language)` on this connection (`Layout.registerCollation`).
    func registerCollation() throws {
        try Layout.registerCollation(db)
    }

    /// Every child this replica holds something of (`childIDs`), one at a time in the
    /// order of `navet child list`: named children by name in `collation` (ties by id),
    /// then those whose name is not held, by id. SQLite sorts (spilling to a temporary
    /// file beyond its cache), so memory does not grow with the number of children.
    /// `body` returns false to stop.
    ///
    /// `fieldTags`: whether each child comes with its fields' tags (`childFieldTags` gives
    /// them for all children at once, for a list that shows every child).
    /// `collation` nil: no order (the file's, cheapest), for a pass that only counts or measures.
    public func forEachListedChild(collation: TextRules.Collation?, fieldTags withTags: Bool = true,
                                   _ body: (ListedChild) -> Bool) throws(StoreError) {
        try StoreError.wrap {
            try registerCollation()
            let referenced = Layout.hexToInteger("lower(r.value)")
            let statement = try db.prepare("""
                SELECT id, name, municipality, birth_kind, birth, status_kind, status, conflict, field_tags FROM (
                    SELECT record_id AS id,
                        max(CASE WHEN field = 'name' THEN \(Self.displaySQL()) END) AS name,
                        max(CASE WHEN field = 'assigned_municipality' THEN \(Self.displaySQL()) END) AS municipality,
                        max(CASE WHEN field = 'birth_date' THEN value_kind END) AS birth_kind,
                        max(CASE WHEN field = 'birth_date' THEN value END) AS birth,
                        max(CASE WHEN field = 'asylum_status' THEN value_kind END) AS status_kind,
                        max(CASE WHEN field = 'asylum_status' THEN value END) AS status,
                        max(heads > 1) AS conflict,
                        \(withTags ? "group_concat(field || ' ' || tag || CASE WHEN \(Self.displayNeedsNoPurposeSQL) THEN ' -' ELSE '' END, ',')" : "NULL") AS field_tags
                    FROM cells WHERE record_type = 'child' GROUP BY record_id
                    UNION ALL
                    SELECT DISTINCT \(referenced), NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL
                    FROM cells r
                    WHERE r.field = 'child' AND r.record_type <> 'child' AND length(r.value) = 16
                      AND lower(r.value) NOT GLOB '*[^0-9a-f]*' AND (\(referenced)) > 0
                      AND NOT EXISTS (SELECT 1 FROM cells x WHERE x.record_id = (\(referenced)) AND x.record_type = 'child')
                )
                \(collation == nil ? "" : "ORDER BY name IS NULL, navet_collation(name, ?), id")
                """)
            if let collation { try statement.bind([.text(collation == .english ? "en" : "sv")]) }
            func value(_ kind: Int, _ column: Int) -> FieldValue {
                guard !statement.isNull(at: kind) else { return .null }
                return Self.fieldValue(kind: statement.int64(at: kind), statement, column)
            }
            while try statement.step() {
                var fieldTags: [FieldTag] = []
                if !statement.isNull(at: 8) {
                    for pair in statement.text(at: 8).split(separator: ",") {
                        let parts = pair.split(separator: " ")
                        if parts.count >= 2 { fieldTags.append((String(parts[0]), String(parts[1]), parts.count == 3)) }
                    }
                }
                let child = ListedChild(
                    id: RecordID(rawValue: UInt64(clamping: statement.int64(at: 0))),
                    name: statement.isNull(at: 1) ? nil : statement.text(at: 1),
                    municipality: statement.isNull(at: 2) ? nil : statement.text(at: 2),
                    birthDate: value(3, 4), asylumStatus: value(5, 6), inConflict: statement.int64(at: 7) != 0,
                    fieldTags: fieldTags)
                guard body(child) else { break }
            }
        }
    }

    /// Every child this replica holds something of (`childIDs`), one at a time in the
    /// order of `navet child list`, read in index order from the kept sort keys
    /// (`child_order`, layout 23; nothing is sorted but the children whose name is not
    /// held): named children by name in `collation` (ties by id), then those whose name is
    /// not held, by id. Each named child's cells are read as one range of the `cells` key,
    /// so memory does not grow with the number of children. `body` returns false to stop.
    ///
    /// `fieldTags` holds the tags of the three fields the table shows (name, birth date,
    /// asylum status) when held; `municipality` is read only when `withMunicipality`.
    public func forEachChildInListOrder(collation: TextRules.Collation, municipality withMunicipality: Bool = false,
                                        _ body: (ListedChild) -> Bool) throws(StoreError) {
        try StoreError.wrap {
            let key = collation == .english ? "en" : "sv"
            let columns = """
                o.record_id AS id, n.value_kind, n.value, \(withMunicipality ? "m.value_kind, m.value" : "NULL, NULL"),
                b.value_kind, b.value, s.value_kind, s.value,
                EXISTS (SELECT 1 FROM cells x WHERE x.record_id = o.record_id AND x.heads > 1), n.tag, b.tag, s.tag
                FROM child_order o
                LEFT JOIN cells n ON n.record_id = o.record_id AND n.field = 'name'
                \(withMunicipality ? "LEFT JOIN cells m ON m.record_id = o.record_id AND m.field = 'assigned_municipality'" : "")
                LEFT JOIN cells b ON b.record_id = o.record_id AND b.field = 'birth_date'
                LEFT JOIN cells s ON s.record_id = o.record_id AND s.field = 'asylum_status'
                """
            let referenced = Layout.hexToInteger("lower(r.value)")
            // The named children: their ids from the index, then each one's cells in one
            // range of the `cells` key (one seek, its few cells in field order).
            let named = try db.prepare("SELECT record_id FROM child_order WHERE \(key) IS NOT NULL ORDER BY \(key), record_id")
            defer { named.reset() }
            let cellsOf = try db.prepare("SELECT field, value_kind, value, tag, heads FROM cells WHERE record_id = ?")
            defer { cellsOf.reset() }
            // The tags repeat from child to child: the last text of each is reused when its bytes are the same.
            var lastTags: [(bytes: [UInt8], text: String)] = Array(repeating: ([], ""), count: 3)
            func tag(_ slot: Int) -> String {
                cellsOf.withBytes(at: 3) { bytes in
                    if !bytes.elementsEqual(lastTags[slot].bytes) {
                        lastTags[slot] = (Array(bytes), String(decoding: bytes, as: UTF8.self))
                    }
                    return lastTags[slot].text
                }
            }
            while try named.step() {
                let id = named.int64(at: 0)
                cellsOf.reset()
                cellsOf.bind(id, at: 1)
                var name: FieldValue = .null
                var municipality: FieldValue = .null
                var birthDate: FieldValue = .null
                var asylumStatus: FieldValue = .null
                var conflict = false
                var fieldTags: [FieldTag] = []
                fieldTags.reserveCapacity(3)
                while try cellsOf.step() {
                    if cellsOf.int64(at: 4) > 1 { conflict = true }
                    let which = cellsOf.withBytes(at: 0) { field -> Int in
                        switch field.count {
                        case 4: return field.elementsEqual("name".utf8) ? 1 : 0
                        case 10: return field.elementsEqual("birth_date".utf8) ? 2 : 0
                        case 13: return field.elementsEqual("asylum_status".utf8) ? 3 : 0
                        case 21: return withMunicipality && field.elementsEqual("assigned_municipality".utf8) ? 4 : 0
                        default: return 0
                        }
                    }
                    switch which {
                    case 1:
                        name = Self.fieldValue(kind: cellsOf.int64(at: 1), cellsOf, 2)
                        fieldTags.append(("name", tag(0), false))
                    case 2:
                        birthDate = Self.fieldValue(kind: cellsOf.int64(at: 1), cellsOf, 2)
                        fieldTags.append(("birth_date", tag(1), false))
                    case 3:
                        asylumStatus = Self.fieldValue(kind: cellsOf.int64(at: 1), cellsOf, 2)
                        fieldTags.append(("asylum_status", tag(2), false))
                    case 4: municipality = Self.fieldValue(kind: cellsOf.int64(at: 1), cellsOf, 2)
                    default: break
                    }
                }
                let child = ListedChild(id: RecordID(rawValue: UInt64(clamping: id)), name: name.displayText,
                                        municipality: municipality.displayText, birthDate: birthDate,
                                        asylumStatus: asylumStatus, inConflict: conflict, fieldTags: fieldTags)
                guard body(child) else { return }
            }
            // The children whose name is not held: child records without one, and those
            // held only through records about them (a `child` cell's value).
            let unnamed = try db.prepare("""
                SELECT * FROM (
                    SELECT \(columns) WHERE o.\(key) IS NULL
                    UNION ALL
                    SELECT DISTINCT \(referenced), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL
                    FROM cells r
                    WHERE r.field = 'child' AND r.record_type <> 'child' AND length(r.value) = 16
                      AND lower(r.value) NOT GLOB '*[^0-9a-f]*' AND (\(referenced)) > 0
                      AND NOT EXISTS (SELECT 1 FROM child_order x WHERE x.record_id = (\(referenced)))
                ) ORDER BY id
                """)
            for statement in [unnamed] {
                defer { statement.reset() }
                func value(_ kind: Int, _ column: Int) -> FieldValue {
                    guard !statement.isNull(at: kind) else { return .null }
                    return Self.fieldValue(kind: statement.int64(at: kind), statement, column)
                }
                while try statement.step() {
                    var fieldTags: [FieldTag] = []
                    fieldTags.reserveCapacity(3)
                    if !statement.isNull(at: 10) { fieldTags.append(("name", statement.text(at: 10), false)) }
                    if !statement.isNull(at: 11) { fieldTags.append(("birth_date", statement.text(at: 11), false)) }
                    if !statement.isNull(at: 12) { fieldTags.append(("asylum_status", statement.text(at: 12), false)) }
                    let child = ListedChild(
                        id: RecordID(rawValue: UInt64(clamping: statement.int64(at: 0))),
                        name: value(1, 2).displayText, municipality: value(3, 4).displayText,
                        birthDate: value(5, 6), asylumStatus: value(7, 8), inConflict: statement.int64(at: 9) != 0,
                        fieldTags: fieldTags)
                    guard body(child) else { return }
                }
            }
        }
    }

    /// Every field a child record here holds, with each tag it holds it under: what a list
    /// of every child shows, for its read-log entry.
    public func childFieldTags() throws(StoreError) -> [FieldTag] {
        try StoreError.wrap {
            try db.query("""
                SELECT field, tag, min(\(Self.displayNeedsNoPurposeSQL)) FROM cells WHERE record_type = 'child' GROUP BY field, tag
                """).compactMap { row in
                guard case .text(let field) = row[0], case .text(let tag) = row[1] else { return nil }
                return (field, tag, row[2] == .integer(1))
            }
        }
    }

    /// A value as `ChangeLog.readChange` decodes it: `value_kind` 1 text, 2 integer, 3 bool.
    static func fieldValue(kind: Int64, _ statement: Statement, _ column: Int) -> FieldValue {
        switch kind {
        case 1: return .text(statement.text(at: column))
        case 2: return .int(statement.int64(at: column))
        case 3: return .bool(statement.int64(at: column) != 0)
        default: return .null
        }
    }

    /// Reads one record's fields at a time from `cells` with one prepared statement
    /// (for lists that show many records): in field order, as `snapshot` has them.
    public final class FieldReader {
        let statement: Statement

        init(_ db: Database) throws {
            statement = try db.prepare("SELECT field, value_kind, value, tag, heads FROM cells WHERE record_id = ? ORDER BY field")
        }

        /// The fields of `record` held here (none when it holds only records about it).
        public func fields(of record: RecordID) throws(StoreError) -> [ListedField] {
            try StoreError.wrap {
                statement.reset()
                statement.bind(record.int64, at: 1)
                var fields: [ListedField] = []
                while try statement.step() {
                    guard let tag = Tag(rawValue: statement.text(at: 3)) else {
                        throw StoreError.notANavetDatabase(path: "", reason: "malformed cell row")
                    }
                    fields.append(ListedField(name: statement.text(at: 0),
                                              value: ReplicaStore.fieldValue(kind: statement.int64(at: 1), statement, 2),
                                              tag: tag, heads: Int(statement.int64(at: 4))))
                }
                statement.reset()
                return fields
            }
        }
    }

    public func fieldReader() throws(StoreError) -> FieldReader {
        try StoreError.wrap { try FieldReader(db) }
    }

    /// Rows of bytes kept in a temporary table, in the order appended, one blob per row: a
    /// list formats each row once, in its one sorted pass, and prints the rows after its
    /// read-log entry is written (issue 15). SQLite's temporary store spills to a file
    /// beyond its cache, so memory does not grow with the rows. `close` drops the table.
    public final class ByteSpool {
        let db: Database
        let insert: Statement

        init(_ db: Database) throws {
            self.db = db
            try db.execute("DROP TABLE IF EXISTS temp.navet_list_rows")
            try db.execute("CREATE TEMP TABLE navet_list_rows(row BLOB)")
            insert = try db.prepare("INSERT INTO temp.navet_list_rows VALUES (?)")
        }

        /// Keeps a row.
        public func append(_ row: [UInt8]) throws(StoreError) {
            try StoreError.wrap {
                insert.reset()
                row.withUnsafeBufferPointer { insert.bindBlob($0, at: 1) }
                while try insert.step() {}
                insert.reset()
            }
        }

        /// Every row kept, in the order appended; the bytes are valid only inside `body`.
        public func forEach(_ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(StoreError) {
            try StoreError.wrap {
                let statement = try db.prepare("SELECT row FROM temp.navet_list_rows ORDER BY rowid")
                defer { statement.reset() }
                while try statement.step() { statement.withBytes(at: 0, body) }
            }
        }

        public func close() {
            insert.reset()
            try? db.execute("DROP TABLE IF EXISTS temp.navet_list_rows")
        }
    }

    public func byteSpool() throws(StoreError) -> ByteSpool {
        try StoreError.wrap { try ByteSpool(db) }
    }

    /// Rebuilds one record's kept sort keys from its cells (`ChangeLog.refreshChildOrder`):
    /// for a file whose cells were changed by other means (tests that write SQL).
    func refreshChildOrder(_ record: RecordID) throws(StoreError) {
        try StoreError.wrap { try log.refreshChildOrder(record) }
    }

    /// Starts a read transaction (one snapshot of the file for the many small reads of a
    /// list, and one lock instead of one per statement); nothing when one is open.
    /// Returns whether it started one, for `endReading`.
    public func beginReading() throws(StoreError) -> Bool {
        guard !db.isInTransaction else { return false }
        try StoreError.wrap { try db.execute("BEGIN DEFERRED") }
        return true
    }

    /// Ends the read transaction `beginReading` started.
    public func endReading(_ started: Bool) {
        if started, db.isInTransaction { try? db.execute("COMMIT") }
    }

    /// The records of `type` whose id begins with the hex digits `prefix`, in id order, at
    /// most `limit`: a range of the `cells` primary key (ids are 64-bit integers, so a
    /// prefix of their 16 hex digits is a range), not a scan of every id. `type` "child"
    /// includes children held only through records about them (`childIDs`), found by the
    /// index on `child` cells (layout 11).
    public func recordIDs(prefix: String, type: String, limit: Int = Int.max) throws(StoreError) -> [RecordID] {
        let digits = prefix.lowercased()
        guard !digits.isEmpty, digits.utf8.count <= 16, digits.allSatisfy(\.isHexDigit),
              let low = UInt64(digits.padding(toLength: 16, withPad: "0", startingAt: 0), radix: 16),
              let high = UInt64(digits.padding(toLength: 16, withPad: "f", startingAt: 0), radix: 16),
              low <= UInt64(Int64.max)
        else { return [] }
        let bounds: [SQLValue] = [.integer(Int64(bitPattern: low)), .integer(Int64(bitPattern: min(high, UInt64(Int64.max))))]
        let sqlLimit = Int64(min(limit, Int(Int64.max)))
        return try StoreError.wrap {
            var ids: [RecordID] = []
            if type == "child" {
                // Child records, then children only referred to (a `child` cell's value).
                for row in try db.query("""
                    SELECT DISTINCT record_id FROM cells WHERE record_id BETWEEN ? AND ? AND record_type = 'child'
                    ORDER BY record_id LIMIT ?
                    """, bounds + [.integer(sqlLimit)]) {
                    if case .integer(let id) = row[0], id > 0 { ids.append(RecordID(rawValue: UInt64(id))) }
                }
                let lowText = digits.padding(toLength: 16, withPad: "0", startingAt: 0)
                let highText = digits.padding(toLength: 16, withPad: "f", startingAt: 0)
                var referenced: [RecordID] = []
                for row in try db.query("""
                    SELECT DISTINCT value FROM cells WHERE field = 'child' AND value BETWEEN ? AND ? AND record_type <> 'child'
                    ORDER BY value LIMIT ?
                    """, [.text(lowText), .text(highText), .integer(sqlLimit)]) {
                    if case .text(let hex) = row[0], let id = RecordID(hex: hex) { referenced.append(id) }
                }
                ids = Array(Set(ids + referenced)).sorted().prefix(limit).map { $0 }
            } else {
                let anchor = Schema.current.recordType(type)?.anchorField ?? ""
                for row in try db.query("""
                    SELECT record_id FROM cells WHERE record_id BETWEEN ? AND ? AND field = ? AND record_type = ?
                    ORDER BY record_id LIMIT ?
                    """, bounds + [.text(anchor), .text(type), .integer(sqlLimit)]) {
                    if case .integer(let id) = row[0], id > 0 { ids.append(RecordID(rawValue: UInt64(id))) }
                }
            }
            return ids
        }
    }
}

extension ReplicaStore {
    /// Reads records' visible state one at a time with one prepared statement: the same
    /// `RecordSnapshot` as `snapshot`, for lists that show many records.
    public final class SnapshotReader {
        let statement: Statement

        init(_ db: Database) throws {
            statement = try db.prepare("""
                SELECT \(ChangeLog.columns("c.")), cells.heads
                FROM cells JOIN changes c ON c.id = cells.change_id
                WHERE cells.record_id = ? ORDER BY cells.field
                """)
        }

        /// The record's visible state; `unknownRecord` when this replica holds none of it.
        public func snapshot(_ record: RecordID) throws(StoreError) -> RecordSnapshot {
            try StoreError.wrap {
                statement.reset()
                statement.bind(record.int64, at: 1)
                defer { statement.reset() }
                var fields: [FieldState] = []
                while try statement.step() {
                    fields.append(FieldState(change: try ChangeLog.readChange(statement, from: 0),
                                             headCount: Int(statement.int64(at: 11))))
                }
                guard let first = fields.first else { throw StoreError.unknownRecord(record) }
                return RecordSnapshot(id: record, type: first.change.recordType, fields: fields)
            }
        }

        /// `snapshot`, or nil when this replica holds none of the record.
        public func snapshotIfHeld(_ record: RecordID) throws(StoreError) -> RecordSnapshot? {
            do {
                return try snapshot(record)
            } catch .unknownRecord {
                return nil
            }
        }
    }

    public func snapshotReader() throws(StoreError) -> SnapshotReader {
        try StoreError.wrap { try SnapshotReader(db) }
    }

    /// The ids of the records of `type` (those with its anchor cell, as `records(ofType:)`),
    /// or, with `child`, of those about that child (as `records(ofType:child:)`), streamed
    /// in the order `orderBy` gives: SQL over `a` (the anchor or `child` cell) and `f0`,
    /// `f1`, … (the cells of `sortFields`, left-joined; `{0}`, `{1}`, … stand for their text
    /// as shown, NULL when absent). `body` gets each id with the sort fields' values and
    /// returns false to stop. One statement: memory does not grow with the records.
    public func forEachRecordID(ofType type: String, child: RecordID?, sortFields: [String], orderBy: String,
                                _ body: (RecordID, [FieldValue]) -> Bool) throws(StoreError) {
        try StoreError.wrap {
            let anchor = schema.recordType(type)?.anchorField ?? ""
            var joins = ""
            var columns = ""
            var order = orderBy
            for (index, field) in sortFields.enumerated() {
                joins += " LEFT JOIN cells f\(index) ON f\(index).record_id = a.record_id AND f\(index).field = ?"
                columns += ", f\(index).value_kind, f\(index).value"
                order = order.replacingOccurrences(of: "{\(index)}", with: "(" + Self.displaySQL("f\(index).") + ")")
            }
            let filter = child == nil ? "a.field = ? AND a.record_type = ?" : "a.field = 'child' AND a.value = ? AND a.record_type = ?"
            let statement = try db.prepare("""
                SELECT a.record_id\(columns) FROM cells a\(joins)
                WHERE \(filter) ORDER BY \(order)
                """)
            try statement.bind(sortFields.map { SQLValue.text($0) }
                               + [child.map { .text($0.description) } ?? .text(anchor), .text(type)])
            while try statement.step() {
                let id = RecordID(rawValue: UInt64(clamping: statement.int64(at: 0)))
                let values = sortFields.indices.map { index -> FieldValue in
                    statement.isNull(at: 1 + 2 * index) ? .null
                        : Self.fieldValue(kind: statement.int64(at: 1 + 2 * index), statement, 2 + 2 * index)
                }
                guard body(id, values) else { break }
            }
        }
    }

    /// The notes this replica holds that correct another (`note add --corrects`), by the
    /// note they correct, each list oldest id first. Memory grows with the corrections, not
    /// the notes.
    public func noteCorrections() throws(StoreError) -> [RecordID: [RecordID]] {
        try StoreError.wrap {
            var corrections: [RecordID: [RecordID]] = [:]
            for row in try db.query("""
                SELECT value, record_id FROM cells WHERE record_type = 'note' AND field = 'corrects' ORDER BY record_id
                """) {
                guard case .text(let hex) = row[0], let corrected = RecordID(hex: hex), case .integer(let id) = row[1] else { continue }
                corrections[corrected, default: []].append(RecordID(rawValue: UInt64(bitPattern: id)))
            }
            return corrections
        }
    }

    /// The ids of the notes (about `child`, when given), oldest first as `notes(child:)`
    /// orders them: by the earliest time among their shown values, then by id. Streamed.
    public func forEachNoteID(child: RecordID?, _ body: (RecordID) -> Bool) throws(StoreError) {
        try StoreError.wrap {
            let filter = child == nil ? "a.record_type = 'note' AND a.field = ?" : "a.record_type = 'note' AND a.field = 'child' AND a.value = ?"
            let statement = try db.prepare("""
                SELECT a.record_id, (SELECT min(ch.wall_time) FROM cells c JOIN changes ch ON ch.id = c.change_id
                                     WHERE c.record_id = a.record_id) AS created
                FROM cells a WHERE \(filter) ORDER BY created, a.record_id
                """)
            try statement.bind([child.map { .text($0.description) } ?? .text(schema.recordType("note")?.anchorField ?? "")])
            while try statement.step() {
                guard body(RecordID(rawValue: UInt64(clamping: statement.int64(at: 0)))) else { break }
            }
        }
    }
}
