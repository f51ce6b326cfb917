import NavetCore
import NavetStore

/// The words for the up-front checks that use the grants part of permissions
/// (Protocol/BUNDLE.md, "Grants"; merged into `Strings.table`): registering a child,
/// changing the hub, recording consent, and fields the missing-episode rule lets an
/// organisation read but not write. Swedish in the glossary's words ("navet", "centrallagret",
/// "försvinnande", "sekretessklass").
enum GrantStrings {
    static let table: [String: (String, String)] = [
        "error.mayNotRegister": (
            "Your organisation may not register children (as the central store said at the last sync): the access policy does not let its kind of organisation register them, so the central store would refuse the child and everything written about it. Ask an organisation that registers children (such as social services) to register the child and add yours to its hub. Nothing was changed.",
            "Din organisation får inte registrera barn (enligt centrallagret vid den senaste synkningen): reglerna om vem som får se vad låter inte den typen av organisation registrera barn, så centrallagret skulle avvisa barnet och allt som skrivs om det. Be en organisation som registrerar barn (till exempel socialtjänsten) att registrera barnet och lägga till din organisation i navet kring barnet. Inget har ändrats."),
        "error.writeHub": (
            "Your organisation may not add or end members of the hub of child {0} (as the central store said at the last sync): only the organisation that registered the child and the roles the rules name do that. The central store would refuse it. Nothing was changed.",
            "Din organisation får inte lägga till eller avsluta medlemmar i navet kring barnet {0} (enligt centrallagret vid den senaste synkningen): det gör bara organisationen som registrerade barnet och de roller som reglerna anger. Centrallagret skulle avvisa det. Inget har ändrats."),
        "error.writeConsent": (
            "Your organisation may not record or revoke consent for child {0} (as the central store said at the last sync): only the roles the rules name (such as the guardian or social services) do that. The central store would refuse it. Nothing was changed.",
            "Din organisation får inte registrera eller återkalla samtycke för barnet {0} (enligt centrallagret vid den senaste synkningen): det gör bara de roller som reglerna anger (till exempel god man eller socialtjänsten). Centrallagret skulle avvisa det. Inget har ändrats."),
        "error.writeReadOnly": (
            "Your organisation may read the field '{0}' of child {1} while the child is missing, but not write it (as the central store said at the last sync): the rule for missing children lets it read, not write. The central store would refuse it. Nothing was changed.",
            "Din organisation får läsa fältet '{0}' för barnet {1} medan barnet är försvunnet, men inte skriva det (enligt centrallagret vid den senaste synkningen): regeln om försvunna barn ger rätt att läsa men inte att skriva. Centrallagret skulle avvisa det. Inget har ändrats."),
        "error.writeRefused": (
            "The central store would refuse this (as it said at the last sync): {0}. Nothing was changed.",
            "Centrallagret skulle avvisa det här (enligt den senaste synkningen): {0}. Inget har ändrats."),
    ]
}

extension Context {
    /// Refuses up front a child the central store would refuse to register: when the last
    /// sync said this organisation may not register children. Before that (never synced, or
    /// a server that did not say) nothing is refused here. Exit 2, nothing changed.
    func checkRegister(_ store: ReplicaStore) throws(CLIError) {
        guard try self.store({ () throws(StoreError) in try store.mayRegister() }) == false else { return }
        throw CLIError(.usage, t("error.mayNotRegister"))
    }

    /// Refuses up front a record change the central store would refuse
    /// (`ReplicaStore.writeCheck`, the server's own rule on the last permissions): `fields`
    /// of a record of `recordType` about `child`, each under `tag` (a note's) or its
    /// field's default tag. Exit 2, nothing changed. Call it before any write.
    func checkWrite(_ store: ReplicaStore, child: RecordID, recordType: String, fields: some Sequence<String>,
                    tag: Tag? = nil, noteKind: String? = nil, decisionKind: String? = nil) throws(CLIError) {
        let schema = Schema.current.recordType(recordType)
        for field in fields.sorted() {
            guard let fieldTag = tag ?? schema?.field(field)?.defaultTag else { continue }
            guard let refusal = try self.store({ () throws(StoreError) in
                try store.writeCheck(child: child, recordType: recordType, field: field, tag: fieldTag, noteKind: noteKind,
                                     decisionKind: decisionKind)
            }) else { continue }
            try refuseWrite(refusal, store: store, child: child, field: field, tag: fieldTag)
        }
    }

    /// Throws the message for an up-front `refusal`.
    private func refuseWrite(_ refusal: WriteRefusal, store: ReplicaStore, child: RecordID, field: String,
                             tag: Tag) throws(CLIError) {
        switch refusal {
        case .notInHub:
            throw CLIError(.usage, t("error.writeNotInHub", child.description))
        case .mayNotChangeHub:
            throw CLIError(.usage, t("error.writeHub", child.description))
        case .mayNotRecordConsent:
            throw CLIError(.usage, t("error.writeConsent", child.description))
        case .fieldReadOnly:
            throw CLIError(.usage, t("error.writeReadOnly", strings.field(field), child.description))
        case .mayNotRegister:
            throw CLIError(.usage, t("error.mayNotRegister"))
        case .fieldNotReadable, .tagNotWritable:
            let access = try self.store { () throws(StoreError) in try store.permissions(child: child) }
            // With any access to the child it also writes `internal` values, its own.
            var writable = (access?.write ?? []).sorted().map { strings.label("tag", $0.rawValue) }
            if access != nil { writable.append(t("explain.internalOwn", strings.label("tag", Tag.internal.rawValue))) }
            throw CLIError(.usage, t(refusal == .fieldNotReadable ? "error.writeUnreadable" : "error.writeTag",
                                     strings.label("tag", tag.rawValue), child.description,
                                     writable.isEmpty ? t("out.nothingWritable") : writable.joined(separator: ", ")))
        default:
            throw CLIError(.usage, t("error.writeRefused", writeRefusalText(refusal.rawValue)))
        }
    }
}
