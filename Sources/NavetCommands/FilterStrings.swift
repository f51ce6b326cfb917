import NavetCore
import NavetStore

/// The words for filtered sync on a replica (merged into `Strings.table`): why the central
/// store refused one of this replica's changes (each `WriteRefusal` code), a purge that
/// waits, and an edit refused up front. The Swedish uses the glossary's words: "navet" for
/// the hub, "sekretessklass" for a tag, "centrallagret" for the central store.
enum FilterStrings {
    /// `WriteRefusal` code → (English, Swedish): what the central store's rule says.
    static let writeRefusals: [String: (String, String)] = [
        "not_in_hub": (
            "your organisation is not in the child's hub",
            "din organisation ingår inte i navet kring barnet"),
        "tag_not_writable": (
            "your organisation's role may not write information under this confidentiality tag",
            "din organisations roll får inte skriva uppgifter i den här sekretessklassen"),
        "field_not_readable": (
            "your organisation may not read this field, so it may not write it either",
            "din organisation får inte läsa det här fältet och får därför inte heller skriva det"),
        "field_read_only": (
            "your organisation reads this field only by the rule for missing children, which lets it read, not write",
            "din organisation läser det här fältet bara enligt regeln om försvunna barn, som ger rätt att läsa men inte att skriva"),
        "may_not_register": (
            "your kind of organisation may not register children",
            "din typ av organisation får inte registrera barn"),
        "may_not_change_hub": (
            "only the organisation that registered the child and the roles the rules name add and end members of the hub",
            "bara organisationen som registrerade barnet och de roller som reglerna anger lägger till och avslutar medlemmar i navet"),
        "self_consent": (
            "a consent cannot name the organisation that records it: nobody grants themselves access",
            "ett samtycke kan inte gälla den organisation som registrerar det: ingen ger sig själv behörighet"),
        "may_not_record_consent": (
            "only the roles the rules name (such as the guardian or social services) record and revoke consent",
            "bara de roller som reglerna anger (till exempel god man eller socialtjänsten) registrerar och återkallar samtycke"),
        "below_note_floor": (
            "the note's confidentiality tag is below the lowest its kind allows",
            "anteckningens sekretessklass är lägre än den lägsta som den sortens anteckning tillåter"),
        "decision_tag_not_kind": (
            "a decision's confidentiality tag must be the one its kind decides (asylum decisions: asylum; the others: case)",
            "ett besluts sekretessklass måste vara den som beslutstypen anger (asylbeslut: asyl; övriga: ärende)"),
        "withdrawn_too_late": (
            "the episode cannot be withdrawn as a mistake: another local database has recorded that the police were told or that the child was found; it ends with the follow-up",
            "försvinnandet kan inte återkallas som ett misstag: en annan lokal databas har registrerat att polisen underrättats eller att barnet påträffats; det avslutas med uppföljningen"),
        "unknown_child": ("the central store does not hold the child this is about",
            "centrallagret har inte barnet som uppgiften gäller"),
        "child_cannot_change": ("which child an entry is about cannot change once it is made",
            "vilket barn en uppgift gäller kan inte ändras när uppgiften väl har skapats"),
        "unknown_organisation": (
            "the central store does not know the organisation it names (registered with 'navetd org add')",
            "centrallagret känner inte till organisationen som anges (den registreras med 'navetd org add')"),
    ]

    /// Other messages.
    static let messages: [String: (String, String)] = [
        "writeRefusal.unknown": (
            "refused for a reason this version of Navet does not know ({0}); update Navet",
            "avvisad av ett skäl som den här versionen av Navet inte känner till ({0}); uppdatera Navet"),
        "out.purge": ("purge", "rensning"),
        "out.purgePending": (
            "purge pending: values the central store withdrew are deleted, but may still be in the file because another program has it open; Navet tries again at the next command",
            "rensning väntar: uppgifter som centrallagret har dragit tillbaka är borttagna men kan finnas kvar i filen eftersom ett annat program har den öppen; Navet försöker igen vid nästa kommando"),
        "warn.purgePending": (
            "The central store withdrew access to some values: they are deleted, but another program has the file open, so they may still be in it. Close that program; Navet finishes the purge at the next command (see 'navet status').",
            "Centrallagret har dragit tillbaka åtkomsten till vissa uppgifter: de är borttagna, men ett annat program har filen öppen, så de kan finnas kvar i den. Stäng det programmet; Navet slutför rensningen vid nästa kommando (se 'navet status')."),
        "out.redacted": (
            "{0} {0|value|values} this replica may no longer hold {0|was|were} deleted.",
            "{0} {0|uppgift|uppgifter} som den lokala databasen inte längre får ha {0|togs|togs} bort."),
        "out.refusedChanges": (
            "The central store refused {0} of this replica's {0|change|changes}; {0|it was|they were} taken back and the central store's values are shown again:",
            "Centrallagret avvisade {0} {0|ändring|ändringar} från den här lokala databasen; {0|den|de} har tagits tillbaka och centrallagrets värden visas igen:"),
        "out.refusedLine": ("{0} {1}, {2}: {3}  (refused {4})", "{0} {1}, {2}: {3}  (avvisad {4})"),
        "out.refusedReason": ("why: {0}", "skäl: {0}"),
        "out.emptyValue": ("(empty)", "(tomt)"),
        "error.partlyRefused": (
            "Partly refused: the central store refused {0} {0|change|changes} from this replica, each on its own; anything else sent was taken. The refused {0|change was|changes were} taken back (the central store's values are shown again); see 'navet status' for why.",
            "Delvis avvisad: centrallagret avvisade {0} {0|ändring|ändringar} från den här lokala databasen, var för sig; allt annat som skickades togs emot. {0|Den avvisade ändringen|De avvisade ändringarna} har tagits tillbaka (centrallagrets värden visas igen); se 'navet status' för skälen."),
        "error.writeTag": (
            "Your organisation may not write {0} information about child {1} (as the central store said at the last sync); it would refuse it. It may write: {2}. Nothing was changed.",
            "Din organisation får inte skriva uppgifter i sekretessklassen {0} om barnet {1} (enligt centrallagret vid den senaste synkningen); centrallagret skulle avvisa det. Den får skriva: {2}. Inget har ändrats."),
        "error.writeUnreadable": (
            "Your organisation may not read {0} information about child {1}, so it may not write it either (as the central store said at the last sync); it would refuse it. It may write: {2}. Nothing was changed.",
            "Din organisation får inte läsa uppgifter i sekretessklassen {0} om barnet {1} och får därför inte heller skriva dem (enligt centrallagret vid den senaste synkningen); centrallagret skulle avvisa det. Den får skriva: {2}. Inget har ändrats."),
        "error.writeNotInHub": (
            "Your organisation is not in the hub of child {0} (as the central store said at the last sync), so the central store would refuse anything written about the child. Nothing was changed.",
            "Din organisation ingår inte i navet kring barnet {0} (enligt centrallagret vid den senaste synkningen), så centrallagret skulle avvisa allt som skrivs om barnet. Inget har ändrats."),
        "out.nothingWritable": ("nothing", "ingenting"),
        "help.status.long": (
            "Also lists this replica's changes the central store refused, with the reasons (they were taken back and the\ncentral store's values are shown), and says when a purge is pending: values the central store withdrew are\ndeleted but may still be in the file because another program has it open; the next command retries.",
            "Listar också den lokala databasens ändringar som centrallagret avvisade, med skälen (de har tagits tillbaka och\ncentrallagrets värden visas), och säger när en rensning väntar: uppgifter som centrallagret har dragit tillbaka\när borttagna men kan finnas kvar i filen eftersom ett annat program har den öppen; nästa kommando försöker igen."),
    ]

    static let table: [String: (String, String)] = messages.merging(
        writeRefusals.map { ("writeRefusal." + $0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
}

extension Context {
    /// The words for a `WriteRefusal` code in the user's language; a code from a newer
    /// central store is named as unknown, with the code, never as another cause.
    func writeRefusalText(_ code: String) -> String {
        FilterStrings.writeRefusals[code] != nil ? t("writeRefusal." + code) : t("writeRefusal.unknown", Format.line(code))
    }


    /// The child a record is about: the record itself for a child, its `child` field for
    /// every other type that has one (note, membership, consent, missing episode).
    func childOf(_ record: RecordID, type: String, in store: ReplicaStore) throws(CLIError) -> RecordID {
        guard type != "child" else { return record }
        let snapshot = try self.store { () throws(StoreError) in try store.snapshot(record) }
        if case .text(let hex) = snapshot.value("child"), let child = RecordID(hex: hex) { return child }
        return record
    }

    /// The end of a `navet sync` or `navet import` that finished: warns about a purge that
    /// must wait, and exits 7 (`partlyRefused`) when the central store refused some of this
    /// replica's changes.
    func finishFiltered(refused: Int, purgePending: Bool) throws(CLIError) {
        if purgePending { warn(t("warn.purgePending")) }
        if refused > 0 { throw CLIError(.partlyRefused, t("error.partlyRefused", String(refused))) }
    }
}
