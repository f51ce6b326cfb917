import NavetCore
@testable import NavetStore
import NavetSync
import NavetWire
import Testing

/// The checks every received change passes (`Schema.validate`, `Sync.check`) and the key
/// the merge finds a pending cell by (`ChangeLog.PendingKey`), each against its plain
/// definition: the fast paths must refuse and accept exactly what the definition does.
@Suite struct SchemaCheckTests {
    static func change(type: String = "child", field: String, value: FieldValue, seq: UInt64 = 1) -> Change {
        Change(origin: ReplicaID(rawValue: 7), seq: seq, version: 1, replaces: [], wallTime: 0,
               recordType: type, recordID: RecordID(rawValue: 42), field: field, value: value, tag: .basic)
    }

    static func outcome(_ change: Change) -> SchemaError? {
        do {
            try Schema.current.validate(change)
            return nil
        } catch {
            return error
        }
    }

    /// A required text made only of whitespace is refused, whatever the whitespace: the
    /// first-byte shortcut decides only for visible ASCII.
    @Test(arguments: ["", " ", "\t", "\n", " \r\n ", "\u{00A0}", "\u{3000}", "\u{2028}", "\u{0085}",
                      "a", " a", "\u{00A0}b", "Å", "!", "~", "\u{7F}", "\u{1F}", "e\u{301}", "\u{00A0}\u{00A0}"])
    func requiredTextFollowsTheDefinition(_ text: String) {
        let expected: SchemaError? = text.allSatisfy(\.isWhitespace) ? .required(field: "name") : nil
        #expect(Self.outcome(Self.change(field: "name", value: .text(text))) == expected, "\(text.unicodeScalars.map(\.value))")
    }

    /// A code is ASCII letters, digits and '-' only; any other character, one byte or more,
    /// is refused, and so is the empty code.
    @Test(arguments: ["ABC-123", "-", "z9", "abc_1", "ÅBC", "１２３", "12 3", "a\u{301}", "", "x\u{0}"])
    func codesFollowTheDefinition(_ text: String) {
        let allowed = text.unicodeScalars.allSatisfy {
            ("0"..."9").contains($0) || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || $0 == "-"
        }
        let expected: SchemaError? = text.isEmpty ? .tooLong(field: "dossier_number", maxLength: 20)
            : allowed ? nil : .invalidCode(field: "dossier_number")
        #expect(Self.outcome(Self.change(field: "dossier_number", value: .text(text))) == expected, "\(text)")
    }

    /// Names are matched exactly: another length, a near miss or another spelling of the same
    /// letters is unknown.
    @Test func unknownTypesAndFieldsAreNamed() {
        #expect(Self.outcome(Self.change(type: "childx", field: "name", value: .text("A"))) == .unknownRecordType("childx"))
        #expect(Self.outcome(Self.change(type: "chil", field: "name", value: .text("A"))) == .unknownRecordType("chil"))
        #expect(Self.outcome(Self.change(field: "nam", value: .text("A"))) == .unknownField(recordType: "child", field: "nam"))
        #expect(Self.outcome(Self.change(field: "namE", value: .text("A"))) == .unknownField(recordType: "child", field: "namE"))
        #expect(Self.outcome(Self.change(field: "name", value: .text("A"))) == nil)
    }

    /// `Sync.check` names the first bad change by its position in the bundle.
    @Test func checkNamesTheFirstBadChange() {
        let changes = [Self.change(field: "name", value: .text("A"), seq: 1),
                       Self.change(field: "name", value: .text("B"), seq: 2),
                       Self.change(field: "name", value: .text(" "), seq: 3),
                       Self.change(field: "nope", value: .text("C"), seq: 4)]
        let bundle = Bundle(kind: .upload, schemaVersion: Schema.current.version, sender: ReplicaID(rawValue: 7),
                            recipient: nil, createdAt: 0, cursor: 0, changes: changes)
        do {
            try Sync.check(bundle, kind: .upload)
            Issue.record("a blank required name passed")
        } catch {
            guard case .invalidChange(let index, let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(index == 2 && reason == .required(field: "name"))
        }
        var good = bundle
        good.changes = Array(changes.prefix(2))
        #expect(throws: Never.self) { try Sync.check(good, kind: .upload) }
    }

    // MARK: The merge's key for a pending cell

    static func key(_ record: Int64, _ field: String) -> ChangeLog.PendingKey {
        ChangeLog.PendingKey(record: record, field: field)
    }

    /// Equal exactly when the record and the field's UTF-8 bytes are (as SQLite's BINARY
    /// comparison of `cells.field`), and then hashed alike: at every length around the 24
    /// bytes held inline, and past them where only the whole name tells two keys apart.
    @Test func pendingKeysCompareBytes() {
        let names = ["", "a", "name", "assigned_municipality", String(repeating: "x", count: 23),
                     String(repeating: "x", count: 24), String(repeating: "x", count: 25),
                     String(repeating: "x", count: 24) + "a", String(repeating: "x", count: 24) + "b",
                     String(repeating: "y", count: 40) + "1", String(repeating: "y", count: 40) + "2",
                     "caf\u{E9}", "cafe\u{301}", "\u{212A}", "K"]
        for (i, a) in names.enumerated() {
            for (j, b) in names.enumerated() {
                let same = Array(a.utf8) == Array(b.utf8)
                #expect((Self.key(5, a) == Self.key(5, b)) == same, "\(i) \(j)")
                #expect(Self.key(5, a) != Self.key(6, b), "\(i) \(j)")
                if same { #expect(Self.key(5, a).hashValue == Self.key(5, b).hashValue, "\(i) \(j)") }
            }
        }
        // Canonically equivalent spellings are one String but two cells, as in the table.
        #expect("caf\u{E9}" == "cafe\u{301}" && "\u{212A}" == "K")
        var seen = Set<ChangeLog.PendingKey>()
        for name in names { seen.insert(Self.key(1, name)) }
        #expect(seen.count == Set(names.map { Array($0.utf8) }).count)
    }
}
