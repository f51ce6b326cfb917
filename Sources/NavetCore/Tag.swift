/// A confidentiality tag carried by every field value.
///
/// The server's policy (a later part of the roadmap) decides per organisation, per child
/// and per tag what may leave it. The vocabulary is fixed per schema version; a field
/// added without a deliberate choice gets `Tag.mostRestrictive`.
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

    /// Every tag of the current schema, from the least to the most restrictive.
    public static let vocabulary: [Tag] = [basic, school, care, search, asylum, health, protected]

    /// The tag a new field gets until policy says otherwise.
    public static let mostRestrictive = protected

    public var description: String { rawValue }

    public static func < (lhs: Tag, rhs: Tag) -> Bool {
        let order = vocabulary.map(\.rawValue)
        return order.firstIndex(of: lhs.rawValue)! < order.firstIndex(of: rhs.rawValue)!
    }
}
