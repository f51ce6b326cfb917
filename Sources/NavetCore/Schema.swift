/// The record types Navet knows, declared as data: fields, value kinds, default tags and
/// validation. Adding a record type or a field is a change to `Schema.current` (and a bump
/// of `Schema.version` so peers on an older schema refuse what they cannot check).

/// What a field may hold.
public enum FieldKind: Hashable, Sendable {
    /// Free text up to a length, in characters.
    case text(maxLength: Int)
    /// A short code: ASCII letters (A–Z, a–z), digits (0–9) and `-`, up to a length.
    case code(maxLength: Int)
    /// An ISO 8601 calendar date.
    case date
    case bool
    /// One of a fixed list of values.
    case choice([String])
    /// The id of a record of the named type.
    case reference(String)
    /// A point in time, ISO 8601 with its UTC offset (`Timestamp`).
    case timestamp
    /// Confidentiality tags, comma-separated, each once, in `Tag` order (`asylum,health`).
    case tagList
}

public struct FieldSchema: Hashable, Sendable {
    public let name: String
    public let kind: FieldKind
    public let defaultTag: Tag
    public let required: Bool
    /// Whether text typed for this field may hold line breaks (and tabs): free text such
    /// as a note's, not names, numbers or municipalities. Other control characters are
    /// refused in every field at input.
    public let lineBreaks: Bool

    public init(_ name: String, _ kind: FieldKind, tag: Tag = .mostRestrictive, required: Bool = false,
                lineBreaks: Bool = false) {
        self.name = name
        self.kind = kind
        self.defaultTag = tag
        self.required = required
        self.lineBreaks = lineBreaks
    }
}

public struct RecordTypeSchema: Hashable, Sendable {
    public let name: String
    /// Append-only records are written once and corrected by a new record, never edited.
    public let appendOnly: Bool
    /// Whether the author chooses the tag of the whole record (notes); otherwise each
    /// field keeps its default tag.
    public let authorChoosesTag: Bool
    public let fields: [FieldSchema]

    public init(name: String, appendOnly: Bool = false, authorChoosesTag: Bool = false, fields: [FieldSchema]) {
        self.name = name
        self.appendOnly = appendOnly
        self.authorChoosesTag = authorChoosesTag
        self.fields = fields
    }

    /// The field named `name`.
    public func field(_ name: String) -> FieldSchema? {
        fieldIndex(name).map { fields[$0] }
    }

    /// Where the field named `name` is in `fields` (nil: no such field). Lets a caller read
    /// the field's schema in place, without copying it and its strings. Names of another
    /// length are passed over before comparing (a byte count is read from the string's
    /// header; comparing two different names cost a call into the standard library each).
    public func fieldIndex(_ name: String) -> Int? {
        // By index: `firstIndex(where:)` hands its closure a copy of each field it passes.
        let length = name.utf8.count
        for index in fields.indices where fields[index].name.utf8.count == length && fields[index].name == name {
            return index
        }
        return nil
    }

    /// The first required field: every record of this type has it from its creation, so
    /// stores find the records of a type by this one cell each.
    public var anchorField: String {
        guard let anchor = fields.first(where: \.required) else {
            preconditionFailure("record type \(name) needs a required field")
        }
        return anchor.name
    }
}

/// Why a value, field or record type was refused.
public enum SchemaError: Error, Hashable, Sendable {
    case unknownRecordType(String)
    case unknownField(recordType: String, field: String)
    case required(field: String)
    case tooLong(field: String, maxLength: Int)
    case invalidCode(field: String)
    /// Not written `YYYY-MM-DD`.
    case invalidDate(field: String)
    /// Written `YYYY-MM-DD`, but no such day exists (2009-02-30, month 13).
    case noSuchDate(field: String, text: String)
    /// A real day outside the years Navet accepts (1900–2200).
    case dateOutOfRange(field: String, text: String)
    /// Typed text holds a control character the field does not allow (the scalar's value).
    case controlCharacter(field: String, scalar: UInt32, lineBreaksAllowed: Bool)
    /// Typed text holds U+FFFD: it was not valid UTF-8 (a terminal or file in another
    /// encoding) and was decoded with replacement characters.
    case notUTF8(field: String)
    /// A one-line value holds an invisible format character or a line separator (the
    /// scalar's value): see `TextRules.isInvisibleFormat`.
    case invisibleCharacter(field: String, scalar: UInt32)
    case invalidBool(field: String)
    /// Not an ISO 8601 time with a UTC offset (`2026-11-30T14:05+01:00`).
    case invalidTimestamp(field: String)
    /// Not known confidentiality tags, comma-separated, each once, in `Tag` order.
    case invalidTagList(field: String)
    case notAChoice(field: String, allowed: [String])
    case invalidReference(field: String)
    case wrongKind(field: String)
    case appendOnly(recordType: String)
    case invalidStamp
    /// The cell's version is at `CellMerge.maxVersion` (only a misbehaving peer can push
    /// it there): no further edit of it can be ordered after it.
    case versionExhausted(field: String)
}

public struct Schema: Sendable {
    /// The schema version carried in every bundle and stored in every replica.
    public let version: UInt32
    public let recordTypes: [RecordTypeSchema]

    public init(version: UInt32, recordTypes: [RecordTypeSchema]) {
        self.version = version
        self.recordTypes = recordTypes
    }

    public func recordType(_ name: String) -> RecordTypeSchema? {
        recordTypeIndex(name).map { recordTypes[$0] }
    }

    /// Where the record type named `name` is in `recordTypes` (nil: unknown).
    public func recordTypeIndex(_ name: String) -> Int? {
        let length = name.utf8.count
        for index in recordTypes.indices
        where recordTypes[index].name.utf8.count == length && recordTypes[index].name == name {
            return index
        }
        return nil
    }

    /// The asylum statuses, in the order a case usually moves through them.
    public static let asylumStatuses = [
        "pending", "granted", "rejected", "appealed", "final_rejection", "returned", "left",
    ]
    /// The kinds of journal note the method names.
    public static let noteKinds = [
        "information_talk", "conversation", "meeting", "observation", "decision_received",
        "risk_signal", "school_absence", "turning_18_talk", "suspected_crime",
    ]
    /// Who gave a consent: the child, or the child's legal guardian (god man).
    public static let consentGivers = ["child", "guardian"]
    /// A missing child's risk, as people judge it. An episode starts at `high`; only a
    /// person lowers it (the method: never assume a child left of their own free will).
    public static let riskLevels = ["high", "medium", "low"]
    /// The method's checklist for when a child disappears (phase 2 of "På flykt och
    /// försvunnen"), one `missing_check` record per item done. Telling the police is not an
    /// item: it has its own command and fields (`police_notified_at`).
    public static let missingCheckItems = [
        "responsible_named", "social_services_told", "guardian_told", "school_told", "information_to_police",
        "description_checked", "warning_signs_shared", "out_of_hours_contact",
    ]

    /// A SIP item: an intervention a principal organisation (huvudman) answers for, or a
    /// measure by another actor.
    public static let sipItemKinds = ["intervention", "measure"]
    /// A SIP without recorded consent is a draft: its values stay with its author's
    /// organisation (`Tag.internal`) until consent is attached and the plan is agreed.
    public static let sipStatuses = ["draft", "agreed"]

    /// Schema version 3: the child's case, the journal note, the records need to know
    /// depends on (hub membership, consent and the missing episode) and casework from the
    /// method (issue 14): decisions, actions, the SIP with its items and follow-ups, the
    /// missing episode's three phases and its checklist (`missing_check`), and the note
    /// kinds `turning_18_talk` and `suspected_crime`.
    /// Schema version 4: the missing episode's `contact_phone`, the number the police reach
    /// the hub on during the search (they are not sent the hub itself), and the note's
    /// `date`, the day what it records happened.
    public static let current = Schema(version: 4, recordTypes: [
        RecordTypeSchema(name: "child", fields: [
            FieldSchema("name", .text(maxLength: 200), tag: .basic, required: true),
            FieldSchema("birth_date", .date, tag: .basic),
            FieldSchema("dossier_number", .code(maxLength: 20), tag: .asylum),
            FieldSchema("languages", .text(maxLength: 200), tag: .basic),
            FieldSchema("arrival_date", .date, tag: .care),
            FieldSchema("arrival_municipality", .text(maxLength: 100), tag: .care),
            FieldSchema("assigned_municipality", .text(maxLength: 100), tag: .care),
            FieldSchema("asylum_status", .choice(asylumStatuses), tag: .asylum),
            FieldSchema("search_description", .text(maxLength: 2000), tag: .search, lineBreaks: true),
            FieldSchema("protected_identity", .bool, tag: .protected),
        ]),
        RecordTypeSchema(name: "note", appendOnly: true, authorChoosesTag: true, fields: [
            FieldSchema("child", .reference("child"), tag: .care, required: true),
            FieldSchema("kind", .choice(noteKinds), tag: .care, required: true),
            FieldSchema("text", .text(maxLength: 20_000), tag: .care, required: true, lineBreaks: true),
            FieldSchema("author", .text(maxLength: 200), tag: .care),
            FieldSchema("corrects", .reference("note"), tag: .care),
            // Schema 4: the Swedish calendar day what the note records happened (a talk held
            // on Monday and written on Wednesday), when earlier than the day it was written.
            FieldSchema("date", .date, tag: .care),
        ]),
        // An organisation, and a person in it, in a role around one child, from a start date
        // through an end date (both inclusive, Swedish calendar days). What makes case data
        // visible to an organisation (`AccessPolicy`).
        RecordTypeSchema(name: "membership", fields: [
            FieldSchema("child", .reference("child"), tag: .basic, required: true),
            FieldSchema("organisation", .text(maxLength: 200), tag: .basic, required: true),
            FieldSchema("role", .choice(HubRole.allCases.map(\.rawValue)), tag: .basic, required: true),
            FieldSchema("person", .text(maxLength: 200), tag: .basic),
            FieldSchema("phone", .text(maxLength: 40), tag: .basic),
            FieldSchema("start_date", .date, tag: .basic),
            FieldSchema("end_date", .date, tag: .basic),
        ]),
        // Consent (OSL 12:2) to give an organisation the child's data under some tags, for a
        // purpose, through an optional last day; revoked by setting `revoked`.
        RecordTypeSchema(name: "consent", fields: [
            FieldSchema("child", .reference("child"), tag: .care, required: true),
            FieldSchema("given_by", .choice(consentGivers), tag: .care, required: true),
            FieldSchema("organisation", .text(maxLength: 200), tag: .care, required: true),
            FieldSchema("tags", .tagList, tag: .care, required: true),
            FieldSchema("purpose", .text(maxLength: 1000), tag: .care, required: true, lineBreaks: true),
            FieldSchema("until", .date, tag: .care),
            FieldSchema("revoked", .bool, tag: .care),
        ]),
        // A missing-child episode: open until `closed_at` is set.
        RecordTypeSchema(name: "missing", fields: [
            FieldSchema("child", .reference("child"), tag: .search, required: true),
            FieldSchema("last_seen_at", .timestamp, tag: .search, required: true),
            FieldSchema("last_seen_place", .text(maxLength: 500), tag: .search, required: true),
            FieldSchema("circumstances", .text(maxLength: 5000), tag: .care, lineBreaks: true),
            FieldSchema("risk", .choice(riskLevels), tag: .search),
            FieldSchema("closed_at", .timestamp, tag: .search),
            // Schema 3: the three phases (report, found, follow-up). The follow-up sets `closed_at`.
            FieldSchema("discovered_at", .timestamp, tag: .search),
            FieldSchema("discovered_by", .text(maxLength: 200), tag: .search),
            FieldSchema("reported_by", .text(maxLength: 200), tag: .search),
            FieldSchema("police_notified_at", .timestamp, tag: .search),
            FieldSchema("police_reference", .text(maxLength: 100), tag: .search),
            FieldSchema("risk_reason", .text(maxLength: 2000), tag: .care, lineBreaks: true),
            FieldSchema("found_at", .timestamp, tag: .search),
            FieldSchema("found_place", .text(maxLength: 500), tag: .search),
            FieldSchema("found_by", .text(maxLength: 200), tag: .search),
            FieldSchema("child_account", .text(maxLength: 20_000), tag: .care, lineBreaks: true),
            FieldSchema("follow_up_at", .timestamp, tag: .care),
            FieldSchema("follow_up_by", .text(maxLength: 200), tag: .care),
            FieldSchema("follow_up_text", .text(maxLength: 20_000), tag: .care, lineBreaks: true),
            // Why a report made by mistake was withdrawn (`navet missing close`).
            FieldSchema("withdrawn_reason", .text(maxLength: 1000), tag: .care),
            // Schema 4: where the police reach the hub during the search (the reporter's
            // organisation, or social services' on-call line).
            FieldSchema("contact_phone", .text(maxLength: 40), tag: .search),
        ]),
        // One item of the method's checklist for a missing episode, done (`missingCheckItems`).
        RecordTypeSchema(name: "missing_check", fields: [
            FieldSchema("child", .reference("child"), tag: .search, required: true),
            FieldSchema("episode", .reference("missing"), tag: .search, required: true),
            FieldSchema("item", .choice(missingCheckItems), tag: .search, required: true),
            FieldSchema("done_at", .timestamp, tag: .search),
            FieldSchema("done_by", .text(maxLength: 200), tag: .search),
        ]),
        // A decision about the child (`DecisionRules`): every field carries the tag its kind
        // decides (`DecisionRules.tag(kind:)`: asylum decisions `asylum`, others `case`), the
        // default below being the others'. Written once; a later decision is a new record.
        RecordTypeSchema(name: "decision", appendOnly: true, fields: [
            FieldSchema("child", .reference("child"), tag: .care, required: true),
            FieldSchema("kind", .choice(DecisionRules.kinds), tag: .care, required: true),
            FieldSchema("outcome", .choice(DecisionRules.outcomes), tag: .care, required: true),
            FieldSchema("date", .date, tag: .care, required: true),
            FieldSchema("note", .text(maxLength: 5000), tag: .care, lineBreaks: true),
        ]),
        // An action: who (an organisation) does what by when, and when it was done.
        RecordTypeSchema(name: "action", fields: [
            FieldSchema("child", .reference("child"), tag: .care, required: true),
            FieldSchema("who", .text(maxLength: 200), tag: .care, required: true),
            FieldSchema("what", .text(maxLength: 2000), tag: .care, required: true),
            FieldSchema("due", .date, tag: .care, required: true),
            FieldSchema("follow_up", .date, tag: .care),
            FieldSchema("done_at", .timestamp, tag: .care),
            FieldSchema("done_by", .text(maxLength: 200), tag: .care),
        ]),
        // A coordinated individual plan (SIP, SoL 2:7, HSL 16:4): the needs, the organisation
        // with overall responsibility, the participants, the consent it rests on and the
        // next follow-up. Without consent it is a `draft`, written under `internal`.
        RecordTypeSchema(name: "sip", fields: [
            FieldSchema("child", .reference("child"), tag: .care, required: true),
            FieldSchema("needs", .text(maxLength: 5000), tag: .care, required: true, lineBreaks: true),
            FieldSchema("responsible", .text(maxLength: 200), tag: .care),
            FieldSchema("participants", .text(maxLength: 1000), tag: .care),
            FieldSchema("consent", .reference("consent"), tag: .care),
            FieldSchema("next_follow_up", .date, tag: .care),
            FieldSchema("status", .choice(sipStatuses), tag: .care),
        ]),
        // One line of a SIP: an intervention and the principal organisation answering for
        // it, or a measure by another actor.
        RecordTypeSchema(name: "sip_item", fields: [
            FieldSchema("child", .reference("child"), tag: .care, required: true),
            FieldSchema("sip", .reference("sip"), tag: .care, required: true),
            FieldSchema("kind", .choice(sipItemKinds), tag: .care, required: true),
            FieldSchema("what", .text(maxLength: 2000), tag: .care, required: true, lineBreaks: true),
            FieldSchema("principal", .text(maxLength: 200), tag: .care, required: true),
            FieldSchema("due", .date, tag: .care),
            FieldSchema("done_at", .timestamp, tag: .care),
        ]),
        // A follow-up meeting of a SIP: when, what was said, and the next follow-up.
        RecordTypeSchema(name: "sip_follow_up", appendOnly: true, fields: [
            FieldSchema("child", .reference("child"), tag: .care, required: true),
            FieldSchema("sip", .reference("sip"), tag: .care, required: true),
            FieldSchema("date", .date, tag: .care, required: true),
            FieldSchema("text", .text(maxLength: 5000), tag: .care, required: true, lineBreaks: true),
            FieldSchema("next_follow_up", .date, tag: .care),
        ]),
    ])

    /// Checks a value against its field. Used for local edits and for every change that
    /// arrives in a bundle.
    public func validate(recordType: String, field: String, value: FieldValue) throws(SchemaError) {
        _ = try validatedType(recordType: recordType, field: field, value: value)
    }

    /// `validate(recordType:field:value:)`, returning where the record type is in `recordTypes`.
    /// The type and the field are read in place (by index), not copied out with their strings.
    private func validatedType(recordType: String, field: String, value: FieldValue) throws(SchemaError) -> Int {
        guard let type = recordTypeIndex(recordType) else { throw .unknownRecordType(recordType) }
        guard let index = recordTypes[type].fieldIndex(field) else {
            throw .unknownField(recordType: recordType, field: field)
        }
        try recordTypes[type].fields[index].validate(value)
        return type
    }

    /// The first of `changes` that `validate(_:)` refuses, with why; nil when all pass.
    /// Checks each change where it lies in the array (a call per change with a copy of it
    /// retained and released every string it holds).
    public func firstRefusal(in changes: [Change]) -> (index: Int, error: SchemaError)? {
        for index in changes.indices {
            do {
                try validate(changes[index])
            } catch {
                return (index, error)
            }
        }
        return nil
    }

    /// Checks a whole change as received from elsewhere: known type and field, a valid
    /// value, a stamp that only replaces lower stamps, and no edits of append-only records.
    public func validate(_ change: Change) throws(SchemaError) {
        let type = try validatedType(recordType: change.recordType, field: change.field, value: change.value)
        guard CellMerge.validateReplaces(change) else { throw .invalidStamp }
        if recordTypes[type].appendOnly, !change.replaces.isEmpty || change.version != 1 {
            throw .appendOnly(recordType: change.recordType)
        }
    }
}

extension FieldSchema {
    public func validate(_ value: FieldValue) throws(SchemaError) {
        guard case .text(let text) = value else {
            switch (value, kind) {
            case (.null, _):
                if required { throw .required(field: name) }
                return
            case (.bool, .bool): return
            default: throw .wrongKind(field: name)
            }
        }
        switch kind {
        case .text(let maxLength):
            // A first byte that is visible ASCII (not a space) starts a character that is
            // not whitespace: the walk over the characters is needed only otherwise.
            if required, !Self.startsVisibleASCII(text), text.allSatisfy(\.isWhitespace) {
                throw .required(field: name)
            }
            // A character takes at least one byte: counting characters (grapheme breaking)
            // is needed only when the bytes exceed the limit.
            if text.utf8.count > maxLength, text.count > maxLength { throw .tooLong(field: name, maxLength: maxLength) }
        case .code(let maxLength):
            if text.isEmpty || (text.utf8.count > maxLength && text.count > maxLength) {
                throw .tooLong(field: name, maxLength: maxLength)
            }
            // Every allowed character is one ASCII byte, and no byte of a longer character is ASCII.
            let allowed = text.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D
            }
            if !allowed { throw .invalidCode(field: name) }
        case .date:
            switch CalendarDate.parse(text) {
            case .success: break
            case .failure(.notISO): throw .invalidDate(field: name)
            case .failure(.noSuchDay): throw .noSuchDate(field: name, text: text)
            case .failure(.outOfRange): throw .dateOutOfRange(field: name, text: text)
            }
        case .choice(let allowed):
            if !allowed.contains(text) { throw .notAChoice(field: name, allowed: allowed) }
        case .reference:
            if RecordID(hex: text) == nil { throw .invalidReference(field: name) }
        case .timestamp:
            if Timestamp(iso: text) == nil { throw .invalidTimestamp(field: name) }
        case .tagList:
            guard let tags = Tag.list(text), Tag.listText(tags) == text else { throw .invalidTagList(field: name) }
        case .bool:
            throw .wrongKind(field: name)
        }
    }

    /// Whether `text`'s first byte is ASCII from `!` to `~` (no space, no control).
    static func startsVisibleASCII(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        return first > 0x20 && first < 0x7F
    }

    /// Turns what a person typed into a value of this field's kind. An empty string clears
    /// the field. Booleans accept yes/no, true/false and the Swedish ja/nej. Text is stored
    /// in NFC; a field without `lineBreaks` refuses every control character, one with it
    /// keeps line feeds and tabs (a typed CR LF becomes LF) and refuses the others. U+FFFD
    /// (invalid UTF-8 decoded) is refused everywhere; a one-line field also refuses the
    /// invisible format characters and line separators of `TextRules.firstForbiddenInLine`. These
    /// rules apply to what people type; changes from the wire are checked by `validate`
    /// only, so a value an older replica accepted can still sync.
    public func parse(_ input: String) throws(SchemaError) -> FieldValue {
        var normalised = TextRules.nfc(input)
        if lineBreaks {
            normalised = normalised.replacingCRLF()
        }
        let allowed: Set<Unicode.Scalar> = lineBreaks ? ["\n", "\t"] : []
        if let control = TextRules.firstControl(in: normalised, allowing: allowed) {
            throw .controlCharacter(field: name, scalar: control.value, lineBreaksAllowed: lineBreaks)
        }
        if normalised.unicodeScalars.contains(TextRules.replacementCharacter) { throw .notUTF8(field: name) }
        if !lineBreaks, let hidden = TextRules.firstForbiddenInLine(normalised) {
            throw .invisibleCharacter(field: name, scalar: hidden.value)
        }
        let trimmed = normalised.trimmingWhitespace()
        if trimmed.isEmpty {
            if required { throw .required(field: name) }
            return .null
        }
        let value: FieldValue
        switch kind {
        case .bool:
            switch trimmed.lowercased() {
            case "yes", "true", "ja", "1": value = .bool(true)
            case "no", "false", "nej", "0": value = .bool(false)
            default: throw .invalidBool(field: name)
            }
        case .reference:
            value = .text(trimmed.lowercased())
        case .timestamp:
            guard let moment = Timestamp(iso: trimmed) else { throw .invalidTimestamp(field: name) }
            value = .text(moment.description)
        case .tagList:
            let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace().lowercased() }
            let tags = parts.compactMap(Tag.init(rawValue:))
            guard tags.count == parts.count, !tags.isEmpty else { throw .invalidTagList(field: name) }
            value = .text(Tag.listText(tags))
        default:
            value = .text(trimmed)
        }
        try validate(value)
        return value
    }
}

extension String {
    /// CR LF and lone CR as LF.
    func replacingCRLF() -> String {
        var result = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                result.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n", previousCR { previousCR = false; continue }
            previousCR = false
            result.append(scalar)
        }
        return String(result)
    }

    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// Rules for journal notes that involve more than one record.
public enum NoteRules {
    /// The least restrictive tag a note of `kind` may carry: its author may raise it,
    /// never lower it below this (issue 12; `Protocol/TAGS.md`). A school absence is
    /// school information (OSL 23:2 2 st.); every other kind is about the case (OSL 26:1).
    public static func floor(kind: String) -> Tag {
        kind == "school_absence" ? .school : .care
    }

    /// Why a correction note was refused.
    public enum CorrectionError: Error, Hashable, Sendable {
        /// The corrected note is about another child.
        case otherChild
        /// The correction's tag is less restrictive than the corrected note's.
        case lowerTag
    }

    /// Checks a correction (a note with `corrects`) against the note it corrects: it must
    /// be about the same child and keep at least the corrected note's tag (`Tag` order).
    /// Returns the tag to write.
    public static func checkCorrection(child: RecordID, tag: Tag, correctedChild: FieldValue, correctedTag: Tag)
        -> Result<Tag, CorrectionError>
    {
        guard case .text(let text) = correctedChild, RecordID(hex: text) == child else { return .failure(.otherChild) }
        guard tag >= correctedTag else { return .failure(.lowerTag) }
        return .success(tag)
    }
}
