/// A confidentiality tag carried by every field value.
///
/// The server's policy (`AccessPolicy`) decides per organisation, per child and per tag
/// what may leave it; `Protocol/TAGS.md` names the secrecy rule each tag's default follows.
/// The vocabulary is fixed per schema version; a field added without a deliberate choice
/// gets `Tag.mostRestrictive`.
public struct Tag: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        guard Tag.vocabulary.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    private init(known: String) { rawValue = known }

    /// Identity basics the whole hub needs: name, stated birth date, languages.
    public static let basic = Tag(known: "basic")
    /// Social-services case details: arrival, municipalities, most journal notes.
    public static let care = Tag(known: "case")
    /// The asylum case: status, the Migration Agency's case number, decisions.
    public static let asylum = Tag(known: "asylum")
    /// Health care and child psychiatry (BUP).
    public static let health = Tag(known: "health")
    /// School and pupil health outside medical records.
    public static let school = Tag(known: "school")
    /// What the police and hub need when a child is missing: description, last seen.
    public static let search = Tag(known: "search")
    /// Protected identity: only organisations named for the child may see it.
    public static let protected = Tag(known: "protected")

    /// The police's own information (OSL 18:1, 35:1): never leaves the police by default.
    public static let police = Tag(known: "police")
    /// An organisation's own notes: never leave the replicas of the organisation that
    /// wrote them, whatever the policy (a volunteer's confidential notes).
    public static let `internal` = Tag(known: "internal")

    /// Every tag of the current schema, from the least to the most restrictive. A note's
    /// author may raise its tag along this order, never lower it below its kind's floor
    /// (`NoteRules.floor`).
    public static let vocabulary: [Tag] = [basic, school, care, search, asylum, health, police, protected, `internal`]

    /// The tag a new field gets until policy says otherwise.
    public static let mostRestrictive = `internal`

    public var description: String { rawValue }

    public static func < (lhs: Tag, rhs: Tag) -> Bool {
        let order = vocabulary.map(\.rawValue)
        return order.firstIndex(of: lhs.rawValue)! < order.firstIndex(of: rhs.rawValue)!
    }
}

extension Tag {
    /// Parses a stored tag list (`FieldKind.tagList`): known tags, comma-separated, no
    /// spaces. Nil if any part is not a tag or a tag repeats.
    public static func list(_ text: String) -> [Tag]? {
        var tags: [Tag] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let tag = Tag(rawValue: String(part)), !tags.contains(tag) else { return nil }
            tags.append(tag)
        }
        return tags.isEmpty ? nil : tags
    }

    /// The canonical text of a tag list: each tag once, in `Tag` order, comma-separated.
    public static func listText<S: Sequence>(_ tags: S) -> String where S.Element == Tag {
        Set(tags).sorted().map(\.rawValue).joined(separator: ",")
    }
}

extension Tag {
    /// Whether showing `value` of `recordType.field` needs no stated purpose, even where
    /// the policy asks one for the field's tag (`purpose_required`): the value discloses
    /// nothing the tag protects. One such value: a child's `protected_identity` flag set to
    /// false. "No protected identity" says nothing of who or where a child at risk is,
    /// which is what OSL 21:3 and 22:1 protect. The display is logged all the same, with
    /// the field and its tag; only the purpose is not asked for.
    public static func displayNeedsNoPurpose(recordType: String, field: String, value: FieldValue) -> Bool {
        recordType == "child" && field == "protected_identity" && value == .bool(false)
    }
}
