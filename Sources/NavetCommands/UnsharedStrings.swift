import NavetCore
import NavetStore

/// The words for what a replica holds of a child without the fields it may not see (merged
/// into `Strings.table`): a child held only through notes received by consent, or through
/// the organisation's own notes after its access ended, is listed by its id with a
/// placeholder for its name. The Swedish uses the glossary's "lämna ut" (disclose).
enum UnsharedStrings {
    static let table: [String: (String, String)] = [
        "out.nameNotShared": ("(name not shared)", "(namnet har inte lämnats ut)"),
        "out.noChildFields": (
            "This replica holds nothing of child {0} but notes (the child's details were not shared with your organisation); its notes: navet note list --child {0}",
            "Den lokala databasen har inga uppgifter om barnet {0} utöver anteckningar (uppgifterna har inte lämnats ut till din organisation); barnets anteckningar: navet note list --child {0}"),
    ]
}

extension Context {
    /// A child's name for people: the name, or the placeholder when this replica does not
    /// hold it (it was not disclosed to this organisation).
    func childName(_ child: RecordSnapshot) -> String {
        child.value("name").displayText.map(Format.line) ?? t("out.nameNotShared")
    }

    /// Orders children by name the user's way (Swedish: A–Z, then Å, Ä, Ö); children whose
    /// name this replica does not hold come after the named ones, by id.
    func sortedByName<T>(_ items: [T], id: (T) -> RecordID, name: (T) -> String?) -> [T] {
        let collation = self.collation
        return items.map { (item: $0, key: name($0).map { TextRules.collationKey($0, collation) }) }
            .sorted { a, b in
                switch (a.key, b.key) {
                case (let x?, let y?): return x == y ? id(a.item) < id(b.item) : x.lexicographicallyPrecedes(y)
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return id(a.item) < id(b.item)
                }
            }
            .map(\.item)
    }
}
