import NavetCore
import NavetStore

/// The words for what a replica holds of a child without the fields it may not see (merged
/// into `Strings.table`): a child held only through notes received by consent, or through
/// the organisation's own notes after its access ended, is listed by its id with a
/// placeholder for its name. The Swedish uses the glossary's "lämna ut" (disclose).
enum UnsharedStrings {
    static let table: [String: (String, String)] = [
        "out.nameNotShared": ("(name not shared)", "(namnet har inte lämnats ut)"),
        "help.child.list.long": (
            "Named children first, in the order of the language (Swedish: A–Z, then Å, Ä, Ö). A child this replica holds\nwithout its name (notes received by consent, or your organisation's own notes after its access ended) is listed\nafter them by its id, with (name not shared) in place of the name.\nFilters combine: --name and --municipality match as people type (any case, accents or not), --missing keeps\nthe children with an open missing episode, --alerts those with an alert.",
            "Barn med namn först, i svensk ordning (A–Z och sedan Å, Ä, Ö). Ett barn som den lokala databasen har\nutan namn (anteckningar som lämnats ut med samtycke, eller din organisations egna anteckningar sedan behörigheten\nupphört) listas efter dem med sitt id och (namnet har inte lämnats ut) i stället för namnet.\nFilter kan kombineras: --name och --municipality matchar som man skriver (stora eller små bokstäver, med eller\nutan accenter), --missing visar barnen som är försvunna just nu, --alerts dem som har larm."),
        "help.child.show.long": (
            "Shows the fields this replica holds; a child whose name was not shared with your organisation is shown by\nits id, with (name not shared) in place of the name, and its notes are listed by 'navet note list --child ID'.",
            "Visar de uppgifter som den lokala databasen har; ett barn vars namn inte har lämnats ut till din organisation\nvisas med sitt id och (namnet har inte lämnats ut) i stället för namnet, och dess anteckningar listas med\n'navet note list --child ID'."),
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
