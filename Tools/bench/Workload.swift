import NavetCore

/// SplitMix64: a small seedable generator, so every run of the benchmark sees exactly the
/// same changes. (NavetTestSupport has one too; the bench does not depend on it.)
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Workload W1: `replicas` replicas, each uploading `changesPerReplica` field changes of
/// `child` records, `fieldsChangedPerRecord` (20) changes per record.
///
/// The `child` type has 10 fields and every change is validated against the schema on
/// import, so "20 fields over 50 records" is realised as 50 records × 20 field changes:
/// each record is created (all 10 fields, version 1) and later every field is edited once
/// (version 2, `replaces` = [the version-1 stamp]). The first half of a replica's
/// sequence creates its records in order; the second half edits the 10 × 50 cells in a
/// seeded random order, so edits of different records interleave as in real work.
/// Records are the replica's own (an organisation registers and edits its own children);
/// there are no cross-replica conflicts in W1.
struct Workload {
    static let fieldsChangedPerRecord = 20

    let replicas: Int
    let changesPerReplica: Int
    let seed: UInt64
    /// `names`: realistic values (W1). `random`: every free-text value (the fields of kind
    /// `.text`) is 17 random bytes in base64url, 23 characters; the other fields as in W1.
    var values: Values = .names

    enum Values: String {
        case names, random
    }

    var recordsPerReplica: Int { changesPerReplica / Self.fieldsChangedPerRecord }
    var totalChanges: Int { replicas * changesPerReplica }

    /// The base wall clock: 2025-09-01 08:00 UTC, in milliseconds.
    static let baseWallTime: Int64 = 1_756_713_600_000

    /// Per replica: its id and its changes, seq 1...changesPerReplica.
    func generate() -> [(replica: ReplicaID, changes: [Change])] {
        var rng = SplitMix64(seed: seed)
        let child = Schema.current.recordType("child")!
        precondition(child.fields.count * 2 == Self.fieldsChangedPerRecord)
        var result: [(ReplicaID, [Change])] = []
        result.reserveCapacity(replicas)
        var usedReplicas = Set<ReplicaID>()
        var usedRecords = Set<RecordID>()

        for _ in 0..<replicas {
            var replica = ReplicaID.random(using: &rng)
            while !usedReplicas.insert(replica).inserted { replica = ReplicaID.random(using: &rng) }
            var changes: [Change] = []
            changes.reserveCapacity(changesPerReplica)
            var wall = Self.baseWallTime + Int64.random(in: 0..<86_400_000, using: &rng)
            var values = ValueSource(rng: rng, random: self.values == .random)
            defer { rng = values.rng }

            var records: [RecordID] = []
            var people: [ValueSource.Person] = []
            var first: [[FieldValue]] = []
            for _ in 0..<recordsPerReplica {
                var record = RecordID.random(using: &values.rng)
                while !usedRecords.insert(record).inserted { record = RecordID.random(using: &values.rng) }
                records.append(record)
                let person = values.person()
                people.append(person)
                first.append(child.fields.map { values.value(for: $0.name, person: person, edit: nil) })
            }

            func append(record: Int, field: Int, version: UInt64, replaces: [Stamp], value: FieldValue) {
                let schema = child.fields[field]
                wall += Int64.random(in: 2_000...90_000, using: &values.rng)
                let change = Change(
                    origin: replica, seq: UInt64(changes.count + 1), version: version, replaces: replaces,
                    wallTime: wall, recordType: child.name, recordID: records[record], field: schema.name,
                    value: value, tag: schema.defaultTag)
                do {
                    try Schema.current.validate(change)
                } catch {
                    fatalError("generated change does not pass the schema: \(error) (\(schema.name) = \(value))")
                }
                changes.append(change)
            }

            // Creates: every field of every record, record by record.
            for record in records.indices {
                for field in child.fields.indices {
                    append(record: record, field: field, version: 1, replaces: [], value: first[record][field])
                }
            }
            // Edits: every cell once more, in a random order, each replacing the first value.
            var cells = records.indices.flatMap { record in child.fields.indices.map { (record, $0) } }
            cells.shuffle(using: &values.rng)
            for (record, field) in cells {
                // The same child, its birth year possibly revised by an age assessment.
                var person = people[record]
                person.birthYear = Int.random(in: 2008...2012, using: &values.rng)
                let value = values.value(for: child.fields[field].name, person: person, edit: first[record][field])
                append(record: record, field: field, version: 2,
                       replaces: [Stamp(version: 1, origin: replica)], value: value)
            }
            result.append((replica, changes))
        }
        return result
    }
}

/// Realistic values for the `child` fields: names, Swedish municipalities, languages,
/// descriptions, ISO dates, a valid asylum status and a bool.
struct ValueSource {
    var rng: SplitMix64
    /// The random-value workload: free-text fields get `randomText()`.
    var random = false

    /// The `child` fields of kind `.text` (free text): name, languages, the two
    /// municipalities and the search description. Dates, the dossier number (a code of
    /// letters, digits and "-"), the asylum status (a choice) and protected identity (a bool)
    /// keep their W1 values in the random workload, so every change stays valid.
    static let freeTextFields: Set<String> = Set(Schema.current.recordType("child")!.fields.compactMap { field in
        if case .text = field.kind { return field.name }
        return nil
    })

    /// 17 random bytes in base64url without padding: 23 printable characters that do not
    /// compress (136 bits of entropy in 23 bytes).
    mutating func randomText() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var bytes = (0..<17).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes.append(0)  // 18 bytes: six groups of three; the last character is dropped
        var out: [UInt8] = []
        for group in stride(from: 0, to: 18, by: 3) {
            let word = UInt32(bytes[group]) << 16 | UInt32(bytes[group + 1]) << 8 | UInt32(bytes[group + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(word >> UInt32(shift) & 63)]) }
        }
        return String(decoding: out.prefix(23), as: UTF8.self)
    }

    struct Person {
        var given: String
        var family: String
        var birthYear: Int
    }

    static let givenNames = [
        "Ahmad", "Mohammad", "Ali", "Hassan", "Hussein", "Mustafa", "Abdullahi", "Yonas", "Dawit", "Amanuel",
        "Samir", "Omid", "Reza", "Fatima", "Amina", "Maryam", "Zahra", "Hawa", "Selam", "Senait",
        "Ibrahim", "Yusuf", "Khalid", "Mahdi", "Nasrin", "Sara", "Leila", "Nur", "Abdirahman", "Filmon",
    ]
    static let familyNames = [
        "Ahmadi", "Hosseini", "Rezaei", "Mohammadi", "Karimi", "Rahimi", "Haidari", "Jafari", "Noori", "Sultani",
        "Mohamed", "Abdi", "Hassan", "Warsame", "Farah", "Osman", "Tesfaye", "Haile", "Gebremedhin", "Berhane",
        "Al-Hassan", "Khalil", "Ibrahim", "Yousef", "Nazari", "Amiri", "Sharifi", "Ali", "Habibi", "Samadi",
    ]
    /// Official names, as they appear on decisions.
    static let municipalities = [
        "Strömsunds kommun", "Östersunds kommun", "Krokoms kommun", "Åre kommun", "Bergs kommun",
        "Bräcke kommun", "Ragunda kommun", "Härjedalens kommun", "Sundsvalls kommun", "Härnösands kommun",
        "Sollefteå kommun", "Örnsköldsviks kommun", "Kramfors kommun", "Umeå kommun", "Luleå kommun",
        "Kiruna kommun", "Gällivare kommun", "Malmö stad", "Trelleborgs kommun", "Göteborgs stad",
        "Stockholms stad", "Södertälje kommun", "Uppsala kommun", "Västerås stad", "Örebro kommun",
        "Jönköpings kommun", "Växjö kommun", "Norrköpings kommun", "Linköpings kommun", "Borlänge kommun",
        "Falu kommun", "Gävle kommun", "Hudiksvalls kommun",
    ]
    static let languages = [
        "dari", "persiska", "pashto", "somaliska", "tigrinja", "arabiska", "kurdiska", "amhariska",
        "engelska", "svenska", "franska", "oromo", "urdu", "hazaragi",
    ]
    static let descriptions = [
        "kort, mörkt lockigt hår", "ca 165 cm, smal", "ärr på vänster hand", "grön jacka, vita skor",
        "bär glasögon", "lång, kortklippt hår", "svart ryggsäck", "talar lite svenska", "mörkbrun dunjacka",
        "födelsemärke vid örat", "blå mössa och halsduk", "går med lätt hälta", "grå luvtröja, jeans",
        "ca 175 cm, kraftig", "långt svart hår i fläta", "tunn mustasch",
    ]

    mutating func pick(_ list: [String]) -> String { list[Int.random(in: 0..<list.count, using: &rng)] }

    mutating func person() -> Person {
        Person(given: pick(Self.givenNames), family: pick(Self.familyNames),
               birthYear: Int.random(in: 2008...2012, using: &rng))
    }

    mutating func date(year: Int) -> String {
        let month = Int.random(in: 1...12, using: &rng)
        let day = Int.random(in: 1...28, using: &rng)
        return CalendarDate(year: year, month: month, day: day)!.description
    }

    /// A value for `field`; `edit` is the value being replaced, for edits that follow from
    /// it (the next asylum status, the other protected-identity setting).
    mutating func value(for field: String, person: Person, edit old: FieldValue?) -> FieldValue {
        if random, Self.freeTextFields.contains(field) { return .text(randomText()) }
        switch field {
        case "name":
            // Sometimes with a second given name, as the Migration Agency writes it.
            if Int.random(in: 0..<2, using: &rng) == 0 {
                return .text("\(person.given) \(pick(Self.givenNames)) \(person.family)")
            }
            return .text("\(person.given) \(person.family)")
        case "birth_date":
            return .text(date(year: person.birthYear))
        case "dossier_number":
            // The Migration Agency's dossier numbers: digits in groups.
            let a = Int.random(in: 10...99, using: &rng)
            let b = Int.random(in: 100_000...999_999, using: &rng)
            return .text("\(a)-\(b)")
        case "languages":
            // One to three languages, the first the mother tongue.
            var spoken: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                var language = pick(Self.languages)
                while spoken.contains(language) { language = pick(Self.languages) }
                spoken.append(language)
            }
            return .text(spoken.joined(separator: ", "))
        case "arrival_date":
            return .text(date(year: Int.random(in: 2024...2025, using: &rng)))
        case "arrival_municipality", "assigned_municipality":
            return .text(pick(Self.municipalities))
        case "asylum_status":
            let statuses = Schema.asylumStatuses
            if case .text(let previous)? = old, let index = statuses.firstIndex(of: previous), index + 1 < statuses.count {
                return .text(statuses[index + 1])
            }
            return .text(statuses[Int.random(in: 0..<3, using: &rng)])
        case "search_description":
            // One or two features, as a social worker notes them for a missing-person report.
            let first = pick(Self.descriptions)
            if Int.random(in: 0..<2, using: &rng) == 0 { return .text(first) }
            var second = pick(Self.descriptions)
            while second == first { second = pick(Self.descriptions) }
            return .text("\(first), \(second)")
        case "protected_identity":
            if case .bool(let flag)? = old { return .bool(!flag) }
            return .bool(Int.random(in: 0..<10, using: &rng) == 0)
        default:
            fatalError("no generator for field \(field)")
        }
    }
}
