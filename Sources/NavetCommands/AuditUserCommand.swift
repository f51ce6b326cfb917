import Foundation
import NavetCore
import NavetStore

/// `navetd audit user REPLICA:NAME [--since DATE] [--until DATE]`: what one user of one
/// replica displayed and changed, from the read log the replica uploaded (issue 13,
/// point 5; docs/STORAGE.md, `central_read_log`).
struct AuditUserCommand: Command {
    static let spec = CommandSpec(["audit", "user"], help: "audit.user", options: [
        OptionSpec("--since", value: "YYYY-MM-DD", help: "opt.auditUserSince"),
        OptionSpec("--until", value: "YYYY-MM-DD", help: "opt.auditUserUntil"),
        OptionSpec("--csv", help: "opt.auditCSV"),
    ], positionals: [("REPLICA:NAME", true)])
    let replica: String
    let name: String
    let period: AuditPeriod
    let csv: Bool

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        let text = TextRules.nfc(arguments.positionals[0])
        guard let colon = text.firstIndex(of: ":"),
              !text[..<colon].trimmingCharacters(in: .whitespaces).isEmpty,
              !TextRules.nameKey(String(text[text.index(after: colon)...])).isEmpty else {
            throw CLIError(.usage, context.t("auditUser.badArgument", Format.line(text)), helpHint: true)
        }
        replica = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        name = String(text[text.index(after: colon)...])
        period = try AuditPeriod(arguments, context)
        csv = arguments.has("--csv")
    }

    /// The one replica whose id begins with `replica`, among the enrolled ones and those
    /// with an uploaded read log.
    func replicaID(_ context: Context, central: CentralStore) throws(CLIError) -> ReplicaID {
        guard replica.count <= 16, replica.allSatisfy(\.isHexDigit) else {
            throw CLIError(.validation, context.t("auditUser.unknownReplica", Format.line(replica)))
        }
        let enrolled = try context.store { () throws(StoreError) in try central.enrolledReplicaIDs() }
        let uploaded = try context.store { () throws(StoreError) in try central.readLogReplicas() }
        let matches = Set(enrolled + uploaded).filter { $0.description.hasPrefix(replica) }.sorted()
        guard let found = matches.first else {
            throw CLIError(.validation, context.t("auditUser.unknownReplica", Format.line(replica)))
        }
        guard matches.count == 1 else {
            throw CLIError(.validation, context.t("auditUser.ambiguousReplica", Format.line(replica),
                                                  matches.map(\.description).joined(separator: ", ")))
        }
        return found
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let replicaID = try replicaID(context, central: central)
        let users = try context.store { () throws(StoreError) in try central.readLogUsers(of: replicaID) }
        let user: String
        switch TextRules.match(name, among: users.map { ($0, [$0]) }, key: TextRules.nameKey) {
        case .exact(let found), .folded(let found):
            user = found
        case .ambiguous(let candidates):
            throw CLIError(.validation, context.t("auditUser.ambiguousUser", Format.line(name),
                                                  candidates.map(Format.line).joined(separator: ", ")))
        case .none:
            throw CLIError(.validation, context.t("auditUser.unknownUser", Format.line(name), replicaID.description))
        }
        let entries = try context.store { () throws(StoreError) in
            try central.readLogEntries(of: replicaID, user: user, since: period.start, until: period.end)
        }.filter { period.keeps($0.time) }
        let s = context.strings
        var table = AuditTable(
            headers: ["auditUser.time", "auditUser.kind", "auditUser.command", "auditUser.records", "auditUser.fieldsTags",
                      "auditUser.purpose", "auditUser.afterBreak"].map { context.t($0) }, rows: [], json: [])
        for entry in entries {
            let records = csv || entry.records.count <= 3 ? entry.records.joined(separator: ", ")
                : context.strings.t("auditUser.recordCount", count: entry.records.count)
            let fieldsAndTags = entry.fields.map { field(Format.line($0), s) } + entry.tags.map { s.label("tag", Format.line($0)) }
            let time = Format.time(entry.time)
            table.rows.append([time, context.t("auditUser.kind.\(entry.kind)"), Format.line(entry.command), records,
                               fieldsAndTags.joined(separator: ", "), entry.purpose.map(Format.line) ?? "",
                               entry.chainBreak ? context.t("auditUser.broken") : ""])
            table.json.append([
                "seq": NSNumber(value: entry.seq), "time": time, "time_ms": NSNumber(value: entry.time),
                "kind": entry.kind, "command": entry.command, "records": entry.records, "fields": entry.fields,
                "tags": entry.tags, "purpose": entry.purpose.map { $0 as Any } ?? NSNull(), "chain_break": entry.chainBreak,
            ])
        }
        if table.rows.isEmpty, !context.json, !csv {
            context.out(context.t("auditUser.none", Format.line(user), replicaID.description))
            return
        }
        table.print(context, csv: csv, extra: ["replica": replicaID.description, "user": user])
    }

    /// `child.name` as "child: name" / "barn: namn".
    func field(_ stored: String, _ s: Strings) -> String {
        let parts = stored.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return s.fieldWord(stored) }
        return s.label("type", parts[0]) + ": " + s.fieldWord(parts[1])
    }
}

/// The words of `navetd audit user`, English and Swedish.
enum AuditUserStrings {
    static let table: [String: (String, String)] = [
        "help.audit.user": ("Show what one user of a local database displayed and changed, oldest first.",
                            "Visa vad en användare i en lokal databas har visat och ändrat, äldst först."),
        "help.audit.user.long": ("From the read log the local database uploaded: one line per entry by the user, with the time\n(Swedish time), the kind (display, edit, user administration), the command, the case data, the fields\nand confidentiality tags, the purpose given, and a mark on an entry that did not continue the chain\nthe central store held (a break: 'navetd audit read-logs' shows the evidence). REPLICA is the local\ndatabase's id (a unique beginning is enough; see 'navetd replica list'); NAME is the user as the\nlocal database named them, in any case. --since and --until are Swedish calendar days, both included.",
            "Ur loggen över vem som sett vad som den lokala databasen skickat upp: en rad per händelse av\nanvändaren, med tiden (svensk tid), typen (visning, ändring, användaradministration), kommandot,\nuppgifterna, fälten och sekretessklasserna, det angivna syftet, och en markering på en händelse som inte\nfortsatte kedjan som centrallagret hade (ett brott: 'navetd audit read-logs' visar bevisen). REPLICA\när den lokala databasens id (en unik början räcker; se 'navetd replica list'); NAME är användarens\nnamn i den lokala databasen, med stora eller små bokstäver. --since och --until är svenska\nkalenderdagar, båda medräknade."),
        "opt.auditUserSince": ("only entries written on or after this day",
            "bara händelser skrivna den dagen eller senare"),
        "opt.auditUserUntil": ("only entries written on or before this day",
            "bara händelser skrivna den dagen eller tidigare"),
        "auditUser.badArgument": ("Give the local database and the user as REPLICA:NAME (for example 3f2a91c0:anna), not {0}.",
                                  "Ange den lokala databasen och användaren som REPLICA:NAMN (till exempel 3f2a91c0:anna), inte {0}."),
        "auditUser.unknownReplica": ("No local database has an id beginning with {0} (see 'navetd replica list').",
                                     "Ingen lokal databas har ett id som börjar med {0} (se 'navetd replica list')."),
        "auditUser.ambiguousReplica": ("{0} begins the id of several local databases ({1}); give more of it.",
                                       "{0} är början på id:t för flera lokala databaser ({1}); ange mer av det."),
        "auditUser.unknownUser": ("The read log of local database {1} names no user {0}.",
                                  "Loggen över vem som sett vad från lokal databas {1} nämner ingen användare {0}."),
        "auditUser.ambiguousUser": ("{0} could be several users ({1}); write the name with å, ä and ö.",
                                    "{0} kan vara flera användare ({1}); skriv namnet med å, ä och ö."),
        "auditUser.none": ("The read log holds no entry by {0} of local database {1} for this question.",
            "Loggen över vem som sett vad har ingen händelse av {0} från lokal databas {1} som svarar på frågan."),
        "auditUser.time": ("time", "tid"),
        "auditUser.purpose": ("purpose", "syfte"),
        "auditUser.kind": ("kind", "typ"),
        "auditUser.command": ("command", "kommando"),
        "auditUser.records": ("case data",
            "uppgifter"),
        "auditUser.fieldsTags": ("fields and tags", "fält och sekretessklasser"),
        "auditUser.afterBreak": ("chain", "kedja"),
        "auditUser.broken": ("after a break", "efter brott"),
        "auditUser.recordCount": ("{0} {0|item|items}",
            "{0} {0|uppgift|uppgifter}"),
        "auditUser.kind.display": ("display", "visning"),
        "auditUser.kind.edit": ("edit", "ändring"),
        "auditUser.kind.user": ("user administration", "användaradministration"),
    ]
}
