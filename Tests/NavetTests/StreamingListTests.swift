import Foundation
@testable import NavetCommands
@testable import NavetCore
import NavetSQLite
@testable import NavetStore
import NavetTestSupport
import Testing

/// Lists that stream (issue 15, point 4): the sort key SQLite orders names by agrees with
/// the Swift comparator, the streamed table and JSON are the bytes of the whole list printed
/// at once, and an id prefix is found by a range of ids.
@Suite struct StreamingListTests {
    static let names = [
        "Åsa Rahimi", "Asa Rahimi", "åsa rahimi", "Ängla", "Öberg", "Oberg", "Zara", "zara", "Émile", "Emile", "Ümit",
        "Yusuf", "Ægir", "Øystein", "Straße", "Strasse", "Amina", "amina", "AMINA", "Amina 2", "Amina 10", "a{b", "a|b",
        "a}b", "a~b", "", " ", "Bilal  Ahmadi", "Bilal Ahmadi", "123", "A\u{030A}sa", "O\u{0308}mer", "Ömer", "Omer",
        "Noël", "Noel", "Leyla-Sara", "Leyla Sara", "Ça va", "Ca va", "Ğ", "G", "ß", "Ɛ", "日本", "Ωmega", "omega",
    ]

    static func sign(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a == b ? 0 : a.lexicographicallyPrecedes(b) ? -1 : 1
    }

    static func sign(_ a: [UInt32], _ b: [UInt32]) -> Int {
        a == b ? 0 : a.lexicographicallyPrecedes(b) ? -1 : 1
    }

    @Test(arguments: [TextRules.Collation.swedish, .english])
    func theSortBytesCompareAsTheCollationKey(_ collation: TextRules.Collation) {
        var generator = SystemRandomNumberGenerator()
        var texts = Self.names
        let alphabet = Array("aAzZåÅäÄöÖéüÜæøß {|}~-_0129\u{00A0}\u{0301}\u{0308}日Ω")
        for _ in 0..<300 {
            texts.append(String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        let keyed = texts.map { (text: $0, bytes: TextRules.collationBytes($0, collation), key: TextRules.collationKey($0, collation)) }
        for a in keyed {
            for b in keyed where Self.sign(a.bytes, b.bytes) != Self.sign(a.key, b.key) {
                Issue.record("\(a.text.debugDescription) vs \(b.text.debugDescription)")
            }
        }
    }

    /// The code of each element keeps the order of the numbers across its ranges' edges,
    /// and a sequence's bytes compare as the sequence.
    @Test func theElementCodeKeepsTheOrder() {
        let edges: [UInt32] = [0, 1, 0x7F, 0x80, 0x81, 0x17F, 0x207F, 0x2080, 0x2081, 0xFFFF, 0x1_0000, 0x1_0060, 0x1_0061,
                               0x1_0062, 0x1_007C, 0x1_007D, 0x1_007E, 0x1_007F, 0x10_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFF]
        func code(_ values: [UInt32]) -> [UInt8] {
            var bytes: [UInt8] = []
            for value in values { TextRules.appendOrdered(value, to: &bytes) }
            return bytes
        }
        var sequences: [[UInt32]] = edges.map { [$0] }
        for a in edges { for b in [UInt32(0), 0x1_0061, 0xFFFF_FFFF] { sequences.append([a, b]) } }
        sequences.append([])
        for a in sequences {
            for b in sequences where Self.sign(code(a), code(b)) != Self.sign(a, b) {
                Issue.record("\(a) vs \(b)")
            }
        }
    }

    @Test func theASCIIPathGivesTheSameKey() {
        var generator = SystemRandomNumberGenerator()
        var texts = ["", "Amina", "a{b|c}d~", "ABC xyz 0129", "\u{7F}\u{01}\t"]
        for _ in 0..<500 {
            texts.append(String(decoding: (0..<Int.random(in: 0...12, using: &generator)).map { _ in UInt8.random(in: 0..<0x80, using: &generator) },
                                as: UTF8.self))
        }
        for text in texts {
            for collation in [TextRules.Collation.swedish, .english] {
                #expect(TextRules.asciiCollationKey(text) == TextRules.collationKey(text, collation), "\(text.debugDescription)")
            }
        }
        #expect(TextRules.asciiCollationKey("Åsa") == nil)
        for text in texts + ["  Final_Rejection -x ", "a--b__c", "-", "A B", "Åsa"] {
            #expect(TextRules.asciiFoldKey(text).map { $0 == TextRules.unicodeFoldKey(text) } ?? true, "\(text.debugDescription)")
        }
        #expect(TextRules.asciiFoldKey("  Final_Rejection -x ") == "final rejection x")
    }

    @Test(arguments: [Language.swedish, .english])
    func sqliteSortsChildrenAsTheSwiftComparator(_ language: Language) throws {
        let folder = TemporaryDirectory(prefix: "navet-streaming")
        let store = try ReplicaStore.create(path: folder.path("r.db"), now: 1_796_000_000_000)
        var expected: [(id: RecordID, name: String?)] = []
        for name in Self.names where !name.isEmpty && name.trimmingCharacters(in: .whitespaces) == name {
            let id = try store.createRecord(type: "child", values: ["name": .text(TextRules.nfc(name))], now: 1_796_000_000_000)
            expected.append((id, TextRules.nfc(name)))
        }
        // Children whose name is not held come after the named, by id: one held only through a
        // note about it, one with a birth date and no name (as a reply that withheld them leaves).
        let noted = try store.createRecord(type: "child", values: ["name": .text("x")], now: 1_796_000_000_000)
        _ = try store.createRecord(type: "note", values: ["child": .text(noted.description), "kind": .text("conversation"),
                                                          "text": .text("t")], now: 1_796_000_000_000)
        let dated = try store.createRecord(type: "child", values: ["name": .text("y"), "birth_date": .text("2010-01-01")],
                                           now: 1_796_000_000_000)
        let db = try Database(path: folder.path("r.db"))
        try db.query("DELETE FROM cells WHERE record_id = ?", [.integer(noted.int64)])
        try db.query("DELETE FROM cells WHERE record_id = ? AND field = 'name'", [.integer(dated.int64)])
        // The kept sort keys follow (these cells went without `ChangeLog`).
        try store.refreshChildOrder(noted)
        try store.refreshChildOrder(dated)
        expected += [(noted, nil), (dated, nil)]
        let context = Context(program: "navet", strings: Strings(language), json: false, databasePath: "",
                              console: Console(capture: true), now: 0)
        let sorted = context.sortedByName(expected, id: \.id, name: \.name).map(\.id)
        var streamed: [RecordID] = []
        try store.forEachListedChild(collation: context.collation) { child in
            streamed.append(child.id)
            return true
        }
        #expect(streamed == sorted)
        // The kept order (layout 23) reads the same order from its index.
        var kept: [RecordID] = []
        try store.forEachChildInListOrder(collation: context.collation) { child in
            kept.append(child.id)
            return true
        }
        #expect(kept == sorted)
    }

    @Test(arguments: [0, 1, 3])
    func aStreamedJSONArrayIsTheWholeArrayPrinted(_ count: Int) {
        let elements: [[String: Any]] = (0..<count).map { index in
            ["id": "\(index)", "fields": ["name": "Åsa \"\(index)\"\n/x", "n": index], "conflicts": [String](), "none": NSNull()]
        }
        let whole = Context(program: "navet", strings: Strings(.english), json: true, databasePath: "",
                            console: Console(capture: true), now: 0)
        whole.printJSON(elements)
        let streamed = Context(program: "navet", strings: Strings(.english), json: true, databasePath: "",
                               console: Console(capture: true), now: 0)
        let writer = JSONArrayWriter(streamed)
        for element in elements { writer.append(element) }
        writer.finish()
        #expect(streamed.console.capturedOut == whole.console.capturedOut)
    }

    /// `JSONArrayWriter.appendChild` writes the bytes `JSONSerialization` writes of
    /// `childJSON(id:fields:)`: tricky strings (quotes, backslashes, every control
    /// character, the solidus, DEL, non-ASCII, line and paragraph separators), numbers,
    /// booleans, nulls, conflicts, no fields, field names in JSONSerialization's own order.
    @Test(arguments: [0, 1, 4])
    func aChildWrittenDirectlyIsTheJSONSerializationBytes(_ count: Int) {
        let tricky = "q\"b\\s/c/\u{0}\u{1}\u{7}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{E}\u{F}\u{10}\u{1B}\u{1F} \u{7F}\u{80}\u{A0}\u{2028}\u{2029}Åé日😀A\u{030A}"
        let fieldSets: [[ListedField]] = [
            [],
            [ListedField(name: "name", value: .text(tricky), tag: .basic, heads: 2),
             ListedField(name: "birth_date", value: .text("2010-05-17"), tag: .basic, heads: 1)],
            [ListedField(name: "a_10", value: .int(-42), tag: .basic, heads: 1),
             ListedField(name: "a_2", value: .int(Int64.max), tag: .basic, heads: 3),
             ListedField(name: "B", value: .bool(true), tag: .basic, heads: 1),
             ListedField(name: "a", value: .bool(false), tag: .basic, heads: 1),
             ListedField(name: "Z\"/\\\u{1}", value: .null, tag: .basic, heads: 2),
             ListedField(name: "birth_date", value: .text("not a date"), tag: .basic, heads: 1),
             ListedField(name: "ö", value: .text(""), tag: .basic, heads: 1)],
            [ListedField(name: "x", value: .text("1"), tag: .basic, heads: 1),
             ListedField(name: "x", value: .text("2"), tag: .basic, heads: 1)],
        ]
        let whole = Context(program: "navet", strings: Strings(.english), json: true, databasePath: "",
                            console: Console(capture: true), now: 0)
        let direct = Context(program: "navet", strings: Strings(.english), json: true, databasePath: "",
                             console: Console(capture: true), now: 0)
        let writer = JSONArrayWriter(direct)
        let order = JSONKeyOrder()
        var elements: [Any] = []
        for index in 0..<count {
            for fields in fieldSets {
                let id = RecordID(rawValue: UInt64(index + 1) << 40 | 0xab)
                elements.append(childJSON(id: id, fields: fields))
                writer.appendChild(id: id, fields: fields, keyOrder: order)
            }
        }
        writer.finish()
        whole.printJSON(elements)
        #expect(direct.console.capturedOut == whole.console.capturedOut)
        for text in [tricky, "", "/", "\u{0}", "a\u{1F}b"] {
            var escaped = ""
            JSONText.appendString(text, to: &escaped)
            let data = try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
            #expect("[" + escaped + "]" == data.map { String(decoding: $0, as: UTF8.self) }, "\(text.debugDescription)")
        }
    }

    @Test func aStreamedTableIsTheWholeTablePrinted() {
        let rows = [["1", "Åsa", "x  "], ["22", "Bilal\u{00A0}", ""], ["333", "日本", "z\u{2028}"], ["4", "", "\u{3000}"]]
        let header = ["id", "name", "remarks"]
        let context = Context(program: "navet", strings: Strings(.english), json: false, databasePath: "",
                              console: Console(capture: true), now: 0)
        var table = TableWriter(header)
        rows.forEach { table.measure($0) }
        let lines = LineBuffer(context)
        table.writeHeader(to: lines)
        rows.forEach { table.write($0, to: lines) }
        lines.flush()
        #expect(context.console.capturedOut == Format.table(header, rows) + "\n")
        // The trim is the regular expression's.
        for text in ["a  ", "a\u{00A0}", "a\t\u{2029}", " ", "", "a b", "a\u{0301} ", "x\u{200B}"] {
            #expect(Format.trimmingTrailingSpace(text)
                    == text.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression), "\(text.debugDescription)")
        }
    }

    /// `navet child list`'s rows formatted as bytes (`ChildTableFormatter`, kept in chunks,
    /// printed by `TableBytes` through `Console.write(lines:)`) are the bytes of
    /// `Format.table` of `ChildList.row`: non-ASCII, wide and combining characters, control
    /// characters, names ending in white space, missing names and values, conflicts, the
    /// 18th birthday, in both languages.
    @Test(arguments: [Language.swedish, .english])
    func theChildTableAsBytesIsTheWholeTablePrinted(_ language: Language) {
        let names: [String?] = ["Åsa", "Bilal\u{00A0}", "日本", "a\u{0301}b", "x\u{1B}[31m\ty\n", "tail  ", "", nil, "Zoë\u{2028}", "\u{200B}", "A"]
        let births: [FieldValue] = [.text("2001-01-01"), .text("2015-06-30"), .null, .text("not a date"), .int(7), .text("2008-02-29")]
        let statuses: [FieldValue] = [.text("pending"), .text("granted"), .null, .text("unknown_code"), .text("Ö\u{0}")]
        var children: [ListedChild] = []
        for (index, name) in names.enumerated() {
            for extra in 0..<3 {
                children.append(ListedChild(id: RecordID(rawValue: UInt64(index * 3 + extra + 1) << 36 | 0xfe1),
                                            name: name, municipality: nil, birthDate: births[(index + extra) % births.count],
                                            asylumStatus: statuses[(index * 2 + extra) % statuses.count],
                                            inConflict: (index + extra) % 4 == 0, fieldTags: []))
            }
        }
        let whole = Context(program: "navet", strings: Strings(language), json: false, databasePath: "",
                            console: Console(capture: true), now: 1_796_000_000_000)
        let header = ChildList.header(whole)
        let rows = children.map { child in
            ChildList.row(whole, id: child.id, name: child.name.map(FieldValue.text) ?? .null, birthDate: child.birthDate,
                          asylumStatus: child.asylumStatus, inConflict: child.inConflict)
        }
        whole.out(Format.table(header, rows))
        let direct = Context(program: "navet", strings: Strings(language), json: false, databasePath: "",
                             console: Console(capture: true), now: 1_796_000_000_000)
        var formatter = ChildTableFormatter(direct, header: header)
        var chunk: [UInt8] = []
        var row: [UInt8] = []
        for child in children {
            formatter.format(child, into: &row)
            ChildTableFormatter.appendNumber(row.count, to: &chunk)
            chunk += row
        }
        var lines = TableBytes(direct.console, widths: formatter.widths)
        lines.line(header)
        lines.line(formatter.widths.map { String(repeating: "-", count: $0) })
        chunk.withUnsafeBufferPointer { ChildTableFormatter.forEachRow(in: $0) { lines.row($0) } }
        lines.flush()
        #expect(direct.console.capturedOut == whole.console.capturedOut)
    }

    @Test func anIDPrefixIsARangeOfIDs() throws {
        let folder = TemporaryDirectory(prefix: "navet-prefix")
        let store = try ReplicaStore.create(path: folder.path("r.db"), now: 1_796_000_000_000)
        var children: [RecordID] = []
        for index in 0..<40 {
            children.append(try store.createRecord(type: "child", values: ["name": .text("Barn \(index)")], now: 1_796_000_000_000))
        }
        for child in children {
            let hex = child.description
            for length in [1, 2, 8, 16] {
                let prefix = String(hex.prefix(length))
                let expected = children.filter { $0.description.hasPrefix(prefix) }.sorted()
                #expect(try store.recordIDs(prefix: prefix, type: "child") == expected)
                #expect(try store.recordIDs(prefix: prefix.uppercased(), type: "child") == expected)
                #expect(try store.recordIDs(prefix: prefix, type: "note").isEmpty)
            }
            #expect(try store.resolveID(String(hex.prefix(12)), type: "child") == child)
        }
        #expect(try store.recordIDs(prefix: "", type: "child").isEmpty)
        #expect(try store.recordIDs(prefix: "xyz", type: "child").isEmpty)
        #expect(try store.recordIDs(prefix: "f", type: "child").isEmpty)  // ids are below 2^63
    }
    /// `audit list` streams: on a log of many entries (varied users, records, tags and
    /// purposes) its table and JSON are the bytes of the whole list printed at once from
    /// `auditEntries`, as before, and its own entry is not in what it shows.
    @Test func auditListIsTheWholeListPrinted() throws {
        let folder = TemporaryDirectory(prefix: "navet-auditstream")
        let cli = CLIRunner(workingDirectory: folder.url)
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        #expect(try cli.navet("--db", "a.db", "user", "add", "eva", "--name", "Eva Ek").code == 0)
        do {
            let store = try ReplicaStore.open(path: folder.path("a.db"))
            let tags = ["basic", "health", "protected"]
            for index in 0..<400 {
                var draft = AuditDraft(user: index % 3 == 0 ? "Eva" : "bo\u{1}", kind: index % 2 == 0 ? "display" : "edit",
                                       command: index % 5 == 0 ? "child list" : "note show",
                                       purpose: index % 4 == 0 ? nil : "uppföljning \(index) " + String(repeating: "å", count: index % 60))
                for record in 0..<(index % 6) { draft.records.insert(RecordID(rawValue: UInt64(index * 10 + record + 1))) }
                for tag in tags.prefix(index % 4) { draft.insertTag(tag) }
                draft.fields.insert("child.name")
                _ = try store.appendAudit(draft, now: 1_796_000_000_000 + Int64(index) * 60_000)
            }
        }
        func expected(user: String?, json: Bool) throws -> String {
            let entries = try ReplicaStore.open(path: folder.path("a.db")).auditEntries(user: user)
            let context = Context(program: "navet", strings: Strings(.english), json: json, databasePath: "",
                                  console: Console(capture: true), now: 0)
            if json {
                context.printJSON(entries.map { entry -> [String: Any] in
                    ["seq": NSNumber(value: entry.seq), "time": Format.time(entry.time), "time_ms": NSNumber(value: entry.time),
                     "replica": entry.replica.description, "user": entry.user, "kind": entry.kind, "command": entry.command,
                     "records": entry.records.map(\.description), "fields": entry.fields, "tags": entry.tags,
                     "purpose": entry.purpose.map { $0 as Any } ?? NSNull(), "hash": entry.hash.map { String(format: "%02x", $0) }.joined()]
                })
                return context.console.capturedOut
            }
            let s = context.strings
            let rows = entries.map { entry -> [String] in
                let records = entry.records.count <= 3 ? entry.records.map(\.description).joined(separator: ", ")
                    : context.t("audit.records", String(entry.records.count))
                return [String(entry.seq), Format.time(entry.time), Format.line(entry.user), entry.command, records,
                        entry.tags.map { s.label("tag", $0) }.joined(separator: ", "),
                        Format.truncated(Format.line(entry.purpose ?? ""), to: 40)]
            }
            return Format.table(["#", context.t("out.time"), context.t("user.col.user"), context.t("audit.col.command"),
                                 context.t("audit.col.records"), s.field("tags"), s.field("purpose")], rows) + "\n"
        }
        for (json, user) in [(false, nil), (true, nil), (false, "EVA"), (true, "eva")] as [(Bool, String?)] {
            let want = try expected(user: user, json: json)
            let arguments = ["--db", "a.db", "--user", "eva"] + (json ? ["--json"] : []) + ["audit", "list"] + (user.map { ["--user", $0] } ?? [])
            let result = try cli.run("navet", arguments)
            #expect(result.code == 0, "\(arguments): \(result.err)")
            #expect(result.out == want, "\(arguments)")
        }
    }
    /// `hub list` and `consent list` stream: for a child with many memberships and consents
    /// (names that sort the Swedish way, every role and state) the table and JSON are what
    /// the whole list sorted in Swift and printed at once gives.
    @Test func hubAndConsentListsAreTheWholeListPrinted() throws {
        let folder = TemporaryDirectory(prefix: "navet-hubstream")
        let cli = CLIRunner(workingDirectory: folder.url)
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        #expect(try cli.navet("--db", "a.db", "user", "add", "eva", "--name", "Eva Ek").code == 0)
        let organisations = Self.names.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let child: RecordID
        do {
            let store = try ReplicaStore.open(path: folder.path("a.db"))
            let now: Int64 = 1_796_000_000_000
            child = try store.createRecord(type: "child", values: ["name": .text("Amina")], now: now)
            let dates: [(String?, String?)] = [(nil, nil), ("2020-01-01", "2021-01-01"), ("2199-01-01", nil), ("2020-01-01", "2199-01-01")]
            for (index, organisation) in organisations.enumerated() {
                var values: [String: FieldValue] = ["child": .text(child.description), "organisation": .text(organisation),
                                                    "role": .text(HubRole.allCases[index % HubRole.allCases.count].rawValue),
                                                    "person": .text("Person \(index)"), "phone": .text("070-\(index)")]
                let (start, end) = dates[index % dates.count]
                if let start { values["start_date"] = .text(start) }
                if let end { values["end_date"] = .text(end) }
                _ = try store.createRecord(type: "membership", values: values, now: now)
                var consent: [String: FieldValue] = ["child": .text(child.description), "organisation": .text(organisation),
                                                     "given_by": .text(index % 2 == 0 ? "child" : "guardian"),
                                                     "tags": .text(Tag.listText(index % 3 == 0 ? [Tag.basic, .health] : [.care])),
                                                     "purpose": .text("Syfte \(index) " + String(repeating: "ö", count: index * 3))]
                if index % 4 == 1 { consent["until"] = .text("2021-01-01") }
                if index % 4 == 2 { consent["until"] = .text("2199-01-01") }
                if index % 5 == 0 { consent["revoked"] = .bool(true) }
                _ = try store.createRecord(type: "consent", values: consent, now: now)
            }
        }
        func run(_ arguments: String...) throws -> String {
            let result = try cli.run("navet", ["--db", "a.db", "--user", "eva"] + arguments + ["--child", child.description])
            #expect(result.code == 0, "\(arguments): \(result.err)")
            return result.out
        }
        let context = Context(program: "navet", strings: Strings(.english), json: false, databasePath: "",
                              console: Console(capture: true), now: Int64(Date().timeIntervalSince1970 * 1000))
        let s = context.strings
        let store = try ReplicaStore.open(path: folder.path("a.db"))
        let today = context.swedishToday

        // hub list, as it was: every membership loaded and sorted by role, organisation, id.
        let memberships = try store.records(ofType: "membership", child: child).sorted { a, b in
            let roles = [a, b].map { record in
                HubRole.allCases.firstIndex { $0.rawValue == record.value("role").displayText } ?? HubRole.allCases.count
            }
            if roles[0] != roles[1] { return roles[0] < roles[1] }
            let keys = [a, b].map { TextRules.collationKey($0.value("organisation").displayText ?? "", context.collation) }
            if keys[0] != keys[1] { return keys[0].lexicographicallyPrecedes(keys[1]) }
            return a.id < b.id
        }
        #expect(memberships.count == organisations.count)
        let hubTable = Format.table(["id", s.field("organisation"), s.field("role"), s.field("person"), s.field("phone"),
                                     s.field("start_date"), s.field("end_date"), context.t("out.hubState")],
                                    memberships.map { record in
            [record.id.description, Format.value(record.value("organisation"), field: "organisation", strings: s),
             s.label("role", record.value("role").displayText ?? ""),
             Format.value(record.value("person"), field: "person", strings: s),
             Format.value(record.value("phone"), field: "phone", strings: s),
             Format.value(record.value("start_date"), field: "start_date", strings: s),
             Format.value(record.value("end_date"), field: "end_date", strings: s),
             s.label("hubstate", HubList.state(record, today: today, context: context))]
        })
        let hub = try run("hub", "list")
        #expect(hub.hasSuffix(hubTable + "\n"))
        let hubJSON = try JSONSerialization.jsonObject(with: Data(try run("--json", "hub", "list").utf8)) as? [String: Any]
        let listed = (hubJSON?["memberships"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(listed == memberships.map(\.id.description))

        // consent list, as it was: sorted by state, organisation, id; the JSON array whole.
        let order = ["in_force", "access_ended", "expired", "revoked"]
        let consents = try store.records(ofType: "consent", child: child)
            .map { (record: $0, state: ConsentList.state($0, today: today, context: context)) }
            .sorted { a, b in
                if a.state != b.state { return (order.firstIndex(of: a.state) ?? 0) < (order.firstIndex(of: b.state) ?? 0) }
                let keys = [a, b].map { TextRules.collationKey($0.record.value("organisation").displayText ?? "", context.collation) }
                if keys[0] != keys[1] { return keys[0].lexicographicallyPrecedes(keys[1]) }
                return a.record.id < b.record.id
            }
        #expect(consents.count == organisations.count)
        let consentTable = Format.table(["id", s.field("organisation"), s.field("tags"), s.field("given_by"), s.field("until"),
                                         context.t("out.hubState"), s.field("purpose")], consents.map { item in
            let record = item.record
            return [record.id.description, Format.value(record.value("organisation"), field: "organisation", strings: s),
                    (Tag.list(record.value("tags").displayText ?? "") ?? []).map { s.label("tag", $0.rawValue) }.joined(separator: ", "),
                    s.label("giver", record.value("given_by").displayText ?? ""),
                    record.value("until").displayText.map(Format.line) ?? context.t("out.untilRevoked"),
                    s.label("consentstate", item.state),
                    Format.truncated(Format.line(record.value("purpose").displayText ?? ""), to: 60)]
        })
        #expect(try run("consent", "list") == consentTable + "\n")
        let whole = Context(program: "navet", strings: Strings(.english), json: true, databasePath: "",
                            console: Console(capture: true), now: 0)
        whole.printJSON(consents.map { item -> [String: Any] in
            let record = item.record
            return ["id": record.id.description, "child": child.description, "state": item.state,
                    "given_by": Format.json(record.value("given_by")), "organisation": Format.json(record.value("organisation")),
                    "tags": (Tag.list(record.value("tags").displayText ?? "") ?? []).map(\.rawValue),
                    "purpose": Format.json(record.value("purpose")), "until": Format.json(record.value("until")),
                    "revoked": record.value("revoked") == .bool(true)]
        })
        #expect(try run("--json", "consent", "list") == whole.console.capturedOut)
    }
    /// `conflicts` streams: on a replica with many conflicted cells (children with names
    /// that sort the Swedish way, conflicting names, memberships, which have no name) its text and JSON are
    /// what every conflict loaded, sorted by name in Swift and printed at once gives.
    @Test func conflictsAreTheWholeListPrinted() throws {
        let sync = try SyncHarness(replicas: 2)
        var now: Int64 = 1_790_000_000_000
        let a = sync.replicas[0], b = sync.replicas[1]
        var children: [RecordID] = []
        for name in Self.names.filter({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }).prefix(30) {
            children.append(try a.createRecord(type: "child", values: ["name": .text(name)], now: now))
        }
        var memberships: [RecordID] = []
        for child in children.prefix(4) {
            memberships.append(try a.createRecord(type: "membership", values: ["child": .text(child.description), "organisation": .text("HVB Solgården"),
                                                                          "role": .text("contact_person")], now: now))
        }
        now += 1000
        try sync.syncAll(now: now)
        try sync.syncAll(now: now)
        now += 1000
        for (index, child) in children.enumerated() {
            try a.set(record: child, field: "birth_date", value: .text("2011-02-0\(index % 9 + 1)"), now: now)
            try b.set(record: child, field: "birth_date", value: .text("2012-03-0\(index % 9 + 1)"), now: now + 1)
            if index % 3 == 0 {
                try a.set(record: child, field: "name", value: .text(Self.names[(index + 5) % Self.names.count] + " A"), now: now)
                try b.set(record: child, field: "name", value: .text(Self.names[(index + 9) % Self.names.count] + " B"), now: now + 2)
            }
        }
        for membership in memberships {
            try a.set(record: membership, field: "person", value: .text("Ena"), now: now)
            try b.set(record: membership, field: "person", value: .text("Andra"), now: now + 1)
        }
        now += 1000
        try sync.syncAll(now: now)
        try sync.syncAll(now: now)
        let path = sync.folder.path("replica0.db")
        let cli = CLIRunner(workingDirectory: sync.folder.url)
        #expect(try cli.navet("--db", path, "user", "add", "eva", "--name", "Eva Ek").code == 0)

        // As it was: every conflict loaded, each record's name read, sorted by name.
        func expected(json: Bool) throws -> String {
            let store = try ReplicaStore.open(path: path)
            let context = Context(program: "navet", strings: Strings(.english), json: json, databasePath: "",
                                  console: Console(capture: true), now: 0)
            let named = context.sortedByName(
                try store.conflicts().map { conflict in
                    (conflict: conflict, name: (try? store.snapshot(conflict.cell.recordID).value("name").displayText) ?? nil)
                }.sorted { ($0.conflict.cell.recordID, $0.conflict.cell.field) < ($1.conflict.cell.recordID, $1.conflict.cell.field) },
                id: \.conflict.cell.recordID, name: \.name)
            let origins = OriginDisplay(store: store, strings: context.strings, verbose: false)
            if json {
                context.printJSON(named.map { conflict, _ -> [String: Any] in
                    ["record": conflict.cell.recordID.description, "type": conflict.recordType, "field": conflict.cell.field,
                     "values": conflict.heads.enumerated().map { index, head -> [String: Any] in
                         var object = origins.adding(head.origin, to: Format.json(head))
                         object["choice"] = index + 1
                         object["shown"] = index == 0
                         return object
                     }]
                })
                return context.console.capturedOut
            }
            let s = context.strings
            #expect(named.count > 30)
            for (conflict, name) in named {
                let shownName = name.map { " (\(Format.line($0)))" }
                    ?? (conflict.recordType == "child" ? " " + context.t("out.nameNotShared") : "")
                context.out("\(s.label("type", conflict.recordType)) \(conflict.cell.recordID)" + shownName + " – " + s.field(conflict.cell.field))
                let rows = conflict.heads.enumerated().map { index, head in
                    ["\(index + 1)", Format.value(head.value, field: head.field, strings: s), origins.text(head.origin),
                     Format.time(head.wallTime), index == 0 ? context.t("state.shown") : ""]
                }
                let table = Format.table(["#", context.t("out.value"), context.t("out.recordedBy"), context.t("out.time"), context.t("out.state")], rows)
                for line in table.split(separator: "\n") { context.out("  " + line) }
            }
            context.out("")
            context.out(context.t("out.resolveHint"))
            return context.console.capturedOut
        }
        for json in [false, true] {
            let want = try expected(json: json)
            let result = try cli.run("navet", ["--db", path, "--user", "eva"] + (json ? ["--json"] : []) + ["conflicts"])
            #expect(result.code == 0, "\(result.err)")
            #expect(result.out == want, "json: \(json)")
        }
    }
}
