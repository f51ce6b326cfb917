import Foundation
import NavetCore
import NavetCrypto
import NavetStore

/// `navetd audit read-logs`: the breaks the central store found in the replicas' uploaded
/// read logs (Protocol/AUDIT.md, "On the central store"), and with `--notices` the restores
/// from a backup. Exits 8 when any chain is broken. `navetd audit verify` checks the same
/// breaks together with the disclosure ledger.
struct AuditReadLogs: Command {
    static let spec = CommandSpec(["audit", "read-logs"], help: "audit.readLogs",
                                  options: [OptionSpec("--notices", help: "opt.readLogNotices")])
    let notices: Bool

    init(_ arguments: ParsedArguments, _ context: Context) {
        notices = arguments.has("--notices")
    }

    func run(_ context: Context) throws(CLIError) {
        let central = try context.openCentral()
        let all = try context.store { () throws(StoreError) in try central.readLogBreaks(includingNotices: true) }
        let alarms = all.filter(\.alarm)
        let shown = notices ? all : alarms
        if context.json {
            context.printJSON(["broken_chains": Set(alarms.map(\.replica)).count, "breaks": shown.map(Self.json)])
        } else {
            for evidence in shown { context.out(Self.line(evidence, context)) }
            if alarms.isEmpty { context.out(context.t("readLog.intact")) }
        }
        if !alarms.isEmpty {
            throw CLIError(.differences, context.strings.t("readLog.broken", count: Set(alarms.map(\.replica)).count))
        }
    }

    /// One piece of evidence as `--json` shows it (here and in `navetd audit verify`).
    static func json(_ evidence: ReadLogBreak) -> [String: Any] {
        ["replica": evidence.replica.description, "seq": NSNumber(value: evidence.seq), "found_at": Format.time(evidence.foundAt),
         "reason": evidence.reason, "expected": evidence.expected, "alarm": evidence.alarm,
         "entry": Hex.encode(evidence.entry), "claimed_hash": Hex.encode(evidence.claimedHash)]
    }

    /// One piece of evidence as a line of text.
    static func line(_ evidence: ReadLogBreak, _ context: Context) -> String {
        let reason = context.t("readLog.reason.\(evidence.reason)")
        // What the store expected, in the reader's words: a hash or a seq number (the
        // evidence keeps the store's own note, in `--json`).
        let words = evidence.expected.split(separator: " ")
        let expected: String?
        if let hash = words.first(where: { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }) {
            expected = context.t("readLog.expectedHash", String(hash))
        } else if evidence.reason == "sequence", let index = words.firstIndex(of: "seq"), index + 1 < words.count,
                  let seq = UInt64(words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: ":"))) {
            expected = context.t("readLog.expectedSeq", String(seq))
        } else {
            expected = nil
        }
        return context.t(expected == nil ? "readLog.lineShort" : "readLog.line", evidence.replica.description, String(evidence.seq),
                         reason, Format.time(evidence.foundAt), expected ?? "")
    }
}

/// The words of `navetd audit read-logs`, English and Swedish.
enum ReadLogStrings {
    static let table: [String: (String, String)] = [
        "help.audit.readLogs": ("List the breaks found in the read logs the replicas uploaded.",
                                "Lista brotten i loggarna över vem som sett vad som de lokala databaserna skickat upp."),
        "help.audit.readLogs.long": ("Exits 8 when any replica's chain is broken. --notices also lists restores from a backup,\nwhich are not breaks. 'navetd audit verify' checks these breaks together with the disclosure ledger.",
                                     "Avslutar med felkod 8 om kedjan från någon lokal databas är bruten. --notices visar också\nåterställningar från säkerhetskopia, som inte är brott. 'navetd audit verify' kontrollerar dessa brott\ntillsammans med utlämnandeloggen."),
        "opt.readLogNotices": ("also list restores from a backup (not breaks)",
                               "visa också återställningar från säkerhetskopia (inte brott)"),
        "readLog.line": ("local database {0}, entry {1}: {2} (found {3}; expected {4})",
            "lokal databas {0}, händelse {1}: {2} (upptäckt {3}; förväntat {4})"),
        "readLog.lineShort": ("local database {0}, entry {1}: {2} (found {3})",
            "lokal databas {0}, händelse {1}: {2} (upptäckt {3})"),
        "readLog.expectedHash": ("hash {0}", "kontrollsumma {0}"),
        "readLog.expectedSeq": ("entry {0}",
            "händelse {0}"),
        "readLog.intact": ("No read log has a broken chain.", "Ingen logg över vem som sett vad har en bruten kedja."),
        "readLog.broken": ("the read {0|log|logs} of {0} {0|replica has a broken chain|replicas have broken chains}",
                           "{0|loggen|loggarna} från {0} {0|lokal databas har en bruten kedja|lokala databaser har brutna kedjor}"),
        "readLog.reason.hash": ("the entry's hash does not match its contents (edited)",
            "händelsens kontrollsumma stämmer inte med innehållet (ändrad)"),
        "readLog.reason.sequence": ("the entry is not the next number (deleted, moved or inserted)",
            "händelsen har inte nästa nummer (borttagen, flyttad eller tillagd)"),
        "readLog.reason.previous_hash": ("the entry does not hold the hash of the one before (deleted, moved or inserted)",
            "händelsen har inte föregående händelses kontrollsumma (borttagen, flyttad eller tillagd)"),
        "readLog.reason.differs": ("the entry differs from the one received before (changed after upload)",
            "händelsen skiljer sig från den som togs emot tidigare (ändrad efter uppskick)"),
        "readLog.reason.foreign_replica": ("the entry names another replica (refused)",
            "händelsen anger en annan lokal databas (vägrad)"),
        "readLog.reason.truncated": ("the log ends before entries received before (deleted at the end)",
            "loggen slutar före händelser som tagits emot tidigare (borttagna i slutet)"),
        "readLog.reason.replica_check": ("the local database's own check found its read log broken before it sent the entries from this one",
            "den lokala databasens egen kontroll fann loggen bruten innan den skickade händelserna från och med den här"),
        "policy.purposeRequired": ("Displays that need a purpose", "Visningar som kräver ett syfte"),
        "policy.purposeTags": ("tags", "sekretessklasser"),
        "policy.noPurposeTags": ("none", "inga"),
        "readLog.reason.restored": ("restored from a backup: later entries received before are kept (not a break)",
            "återställd från säkerhetskopia: senare händelser som tagits emot tidigare sparas (inget brott)"),
    ]
}
