import Foundation
import NavetCore
import NavetStore

/// Users and the read audit on a replica (issue 13, points 1 and 2; Protocol/AUDIT.md).
enum AuditContext {
    /// A user name: 1–64 letters or digits (any script) and `.`, `_`, `-`, `@`, not starting
    /// with `-`. Operating-system logins fit.
    static func validUserName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 64, !name.hasPrefix("-") else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || ".-_@".unicodeScalars.contains(scalar)
        } && !name.unicodeScalars.contains { TextRules.isControl($0) || TextRules.isInvisibleFormat($0) }
    }

    /// `--purpose TEXT`: one line of at most 500 characters, no control or invisible
    /// characters, not blank. Returned in NFC, trimmed.
    static func checkPurpose(_ text: String, strings: Strings) throws(CLIError) -> String {
        let trimmed = TextRules.nfc(text).trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw CLIError(.usage, strings.t("audit.purposeEmpty"), helpHint: true) }
        if let scalar = TextRules.firstForbiddenInLine(trimmed) {
            throw CLIError(.validation, strings.t("audit.purposeCharacter", TextRules.visible(String(scalar))))
        }
        guard trimmed.count <= 500 else { throw CLIError(.validation, strings.t("audit.purposeTooLong", "500")) }
        return trimmed
    }
}

/// The operating-system login of this process (from the password database, not the
/// environment).
enum OSLogin {
    static func current() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        let login = String(cString: name)
        return login.isEmpty ? nil : login
    }
}

extension Context {
    /// Refuses `value` (exit 3, as an empty --text), typed for `option`, when empty or only spaces: it was
    /// given, so it is not missing ("The value of --user is empty.").
    func refuseEmpty(_ value: String, _ option: String) throws(CLIError) {
        if TextRules.nameKey(value).isEmpty { throw CLIError(.validation, t("error.emptyValue", option)) }
    }

    /// The enabled user this command runs as: `--user`, else `NAVET_USER`, else the user the
    /// operating-system login is mapped to. Refused with exit code 9 otherwise. Adds the
    /// pending first user first (a file from before users).
    func actingUser(_ store: ReplicaStore, seed: Bool = true) throws(CLIError) -> ReplicaUser {
        if seed { try seedFirstUser(store) }
        if let name = user {
            try refuseEmpty(name, userSource)
            guard let found = try self.store({ () throws(StoreError) in try store.user(named: name) }) else {
                throw CLIError(.noUser, t("user.unknown", Format.line(name), userSource))
            }
            guard found.enabled else { throw CLIError(.noUser, t("user.isDisabled", Format.line(found.name))) }
            return found
        }
        guard let login = OSLogin.current() else { throw CLIError(.noUser, t("user.noLogin")) }
        guard let found = try self.store({ () throws(StoreError) in try store.user(osLogin: login) }) else {
            throw CLIError(.noUser, t("user.noneForLogin", Format.line(login)))
        }
        guard found.enabled else { throw CLIError(.noUser, t("user.isDisabled", Format.line(found.name))) }
        return found
    }

    /// A file that had no users table (or was made by `ReplicaStore.create`) gets the
    /// operating-system login as its first user, mapped to itself, the first time a command
    /// needs a user; said on stderr.
    func seedFirstUser(_ store: ReplicaStore) throws(CLIError) {
        guard try self.store({ () throws(StoreError) in try store.usersSeedPending() }) else { return }
        guard let login = OSLogin.current(), AuditContext.validUserName(login) else {
            try self.store { () throws(StoreError) in try store.clearUsersSeed() }
            warn(t("user.seedSkipped"))
            return
        }
        let result = try self.store { () throws(StoreError) in
            try store.addUser(name: login, fullName: login, osUser: login, by: nil, seed: true, now: now)
        }
        if case .success(true) = result { warn(t("user.seeded", Format.line(login))) }
    }

    /// Logs a display whose entry was collected while the list was read (its records,
    /// fields and tags), before anything is shown.
    func logDisplay(_ store: ReplicaStore, as reader: ReplicaUser, command: String, collected: AuditDraft) throws(CLIError) {
        try logDisplay(store, as: reader, command: command) { entry in
            entry.records = collected.records
            entry.fields = collected.fields
            entry.insertTags(of: collected)
        }
    }

    /// Logs a display of case data before it is shown: the entry `fill` describes, as
    /// `reader`, with `--purpose`. A display that would show a tag needing a purpose asks
    /// for one on a terminal and is refused (exit 10) elsewhere; a value that needs none
    /// (`Tag.displayNeedsNoPurpose`) is logged with its tag and asks for nothing. A failure
    /// to log refuses the display.
    ///
    /// `NAVET_BENCH_WITHOUT_READ_AUDIT` is set only by `Tools/bench/read-audit-cost.py`, in a
    /// separate build folder, to measure what the entry costs; no build that people run sets it.

    func logDisplay(_ store: ReplicaStore, as reader: ReplicaUser, command: String,
                    _ fill: (inout AuditDraft) -> Void) throws(CLIError) {
        #if NAVET_BENCH_WITHOUT_READ_AUDIT
        if true { return }
        #endif
        var draft = AuditDraft(user: reader.name, kind: "display", command: command, purpose: purpose)
        fill(&draft)
        if draft.purpose == nil {
            let needed = try self.store { () throws(StoreError) in try store.purposeTags() }.intersection(draft.tagsNeedingPurpose)
            if !needed.isEmpty { draft.purpose = try askPurpose(for: needed) }
        }
        try self.store { () throws(StoreError) in _ = try store.appendAudit(draft, now: now) }
    }

    /// Runs an edit and appends its audit entry in the same transaction.
    func audited<T>(_ store: ReplicaStore, as editor: ReplicaUser, command: String, purpose: String? = nil,
                    _ body: () throws(StoreError) -> T, entry fill: (T, inout AuditDraft) -> Void) throws(CLIError) -> T {
        let recorded = purpose ?? self.purpose
        return try self.store { () throws(StoreError) in
            try store.audited(now: now, body) { result in
                var draft = AuditDraft(user: editor.name, kind: "edit", command: command, purpose: recorded)
                fill(result, &draft)
                return draft
            }
        }
    }

    /// Asks for the purpose on a terminal; refuses (exit 10) when there is none to ask.
    func askPurpose(for tags: Set<String>) throws(CLIError) -> String {
        let labels = tags.sorted().map { strings.label("tag", $0) }.joined(separator: ", ")
        guard !console.isCapturing, isatty(0) == 1, isatty(2) == 1 else {
            throw CLIError(.purposeRequired, t("audit.purposeRequired", labels))
        }
        err(t("audit.purposePrompt", labels))
        guard let line = readLine(strippingNewline: true), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CLIError(.purposeRequired, t("audit.purposeRequired", labels))
        }
        return try AuditContext.checkPurpose(line, strings: strings)
    }
}

// MARK: navet user

struct UserAdd: Command {
    static let spec = CommandSpec(["user", "add"], help: "user.add",
                                  options: [OptionSpec("--name", value: "TEXT", help: "opt.userFullName"),
                                            OptionSpec("--os-user", value: "LOGIN", help: "opt.osUser")],
                                  positionals: [("NAME", true)])
    let name: String
    let fullName: String
    let osUser: String?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        try context.require(["--name"], in: arguments)
        name = TextRules.nfc(arguments.positionals[0])
        try context.refuseEmpty(name, Help.valueName("NAME", context.strings))
        guard AuditContext.validUserName(name) else { throw CLIError(.validation, context.t("user.badName", Format.line(name))) }
        let full = TextRules.nfc(arguments.value("--name")!).trimmingCharacters(in: .whitespaces)
        try context.refuseEmpty(full, "--name")
        guard !full.isEmpty, full.count <= 200 else { throw CLIError(.validation, context.t("user.badFullName")) }
        if let scalar = TextRules.firstForbiddenInLine(full) {
            throw CLIError(.validation, context.t("user.fullNameCharacter", TextRules.visible(String(scalar))))
        }
        fullName = full
        if let login = arguments.value("--os-user") {
            guard AuditContext.validUserName(login) else { throw CLIError(.validation, context.t("user.badLogin", Format.line(login))) }
            osUser = login
        } else {
            osUser = nil
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        try context.seedFirstUser(store)
        // Any enabled user may add users; on a file with no enabled user, anyone may add the first.
        let actor = try context.store { () throws(StoreError) in try store.hasEnabledUser() } ? try context.actingUser(store).name : nil
        let result = try context.store { () throws(StoreError) in
            try store.addUser(name: name, fullName: fullName, osUser: osUser, by: actor, purpose: context.purpose, now: context.now)
        }
        switch result {
        case .failure(.nameTaken(let taken)): throw CLIError(.validation, context.t("user.nameTaken", Format.line(taken)))
        case .failure(.osUserTaken(let login, let holder)):
            throw CLIError(.validation, context.t("user.loginTaken", Format.line(login), Format.line(holder)))
        case .failure: throw CLIError(.validation, context.t("user.nameTaken", Format.line(name)))
        case .success: break
        }
        if context.json {
            let object: [String: Any] = ["user": name, "full_name": fullName, "os_user": osUser.map { $0 as Any } ?? NSNull(),
                                         "added_by": actor.map { $0 as Any } ?? NSNull()]
            context.printJSON(object)
        } else {
            context.out(context.t(osUser == nil ? "user.added" : "user.addedLogin", Format.line(name), Format.line(osUser ?? "")))
        }
    }
}

struct UserList: Command {
    static let spec = CommandSpec(["user", "list"], help: "user.list")
    init(_ arguments: ParsedArguments, _ context: Context) {}

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let collation = context.collation
        let users = try context.store { () throws(StoreError) in try store.users() }
            .sorted { TextRules.precedes($0.name, $1.name, collation) }
        if context.json {
            context.printJSON(users.map { user -> [String: Any] in
                ["user": user.name, "full_name": user.fullName, "os_user": user.osUser.map { $0 as Any } ?? NSNull(), "enabled": user.enabled,
                 "added_at": Format.time(user.addedAt), "added_by": user.addedBy.map { $0 as Any } ?? NSNull()]
            })
            return
        }
        if users.isEmpty {
            context.out(context.t("user.none"))
            return
        }
        let rows = users.map { user -> [String] in
            [Format.line(user.name), Format.line(user.fullName), Format.line(user.osUser ?? "–"),
             context.t(user.enabled ? "user.enabled" : "user.disabled"), Format.time(user.addedAt),
             Format.line(user.addedBy ?? "–")]
        }
        context.out(Format.table([context.t("user.col.user"), context.t("user.col.name"), context.t("user.col.login"),
                                  context.t("user.col.state"), context.t("user.col.added"), context.t("user.col.addedBy")], rows))
    }
}

struct UserDisable: Command {
    static let spec = CommandSpec(["user", "disable"], help: "user.disable", positionals: [("NAME", true)])
    let name: String
    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        name = arguments.positionals[0]
        try context.refuseEmpty(name, Help.valueName("NAME", context.strings))
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let actor = try context.actingUser(store)
        let result = try context.store { () throws(StoreError) in
            try store.disableUser(name: name, by: actor.name, purpose: context.purpose, now: context.now)
        }
        let disabled: String
        switch result {
        case .success(let stored): disabled = stored
        case .failure(.unknown): throw CLIError(.validation, context.t("user.unknownName", Format.line(name)))
        case .failure(.alreadyDisabled(let stored)): throw CLIError(.validation, context.t("user.alreadyDisabled", Format.line(stored)))
        case .failure(.lastEnabled(let stored)): throw CLIError(.validation, context.t("user.lastEnabled", Format.line(stored)))
        case .failure: throw CLIError(.validation, context.t("user.unknownName", Format.line(name)))
        }
        if context.json {
            context.printJSON(["user": disabled, "enabled": false, "disabled_by": actor.name])
        } else {
            context.out(context.t("user.disabledNow", Format.line(disabled)))
        }
    }
}

// MARK: navet audit

struct AuditList: Command {
    static let spec = CommandSpec(["audit", "list"], help: "audit.list",
                                  options: [OptionSpec("--user", value: "NAME", help: "opt.auditUser"),
                                            OptionSpec("--since", value: "YYYY-MM-DD", help: "opt.since")])
    let user: String?
    let since: Int64?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        user = arguments.value("--user")
        if let user { try context.refuseEmpty(user, "--user") }
        if let text = arguments.value("--since") {
            // As every date option says it: not a date, a day that does not exist, a year
            // outside the range.
            let date: CalendarDate
            switch CalendarDate.parse(text) {
            case .success(let parsed): date = parsed
            case .failure(.notISO): throw CLIError(.validation, context.t("audit.badSince", Format.line(text)))
            case .failure(.noSuchDay): throw CLIError(.validation, context.t("schema.noSuchDate", "--since", Format.line(text)))
            case .failure(.outOfRange): throw CLIError(.validation, context.t("schema.dateOutOfRange", "--since", Format.line(text)))
            }
            guard case .unique(let midnight)? = SwedishTime.reading(local: date.description + " 00:00")
            else { throw CLIError(.validation, context.t("schema.noSuchDate", "--since", Format.line(text))) }
            since = midnight.unixMilliseconds
        } else {
            since = nil
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let reader = try context.actingUser(store)
        if let user, try context.store({ () throws(StoreError) in try store.user(named: user) }) == nil {
            throw CLIError(.validation, context.t("user.unknownName", Format.line(user)))
        }
        // Streams (issue 15): a first pass over the entries fills the read-log entry and
        // measures the columns; once the entry is written, the entries are read again, up to
        // the last one the first pass saw (so the listing's own entry is not in the list).
        let s = context.strings
        func row(_ entry: AuditEntry) -> [String] {
            let records = entry.records.count <= 3 ? entry.records.map(\.description).joined(separator: ", ")
                : context.t("audit.records", String(entry.records.count))
            return [String(entry.seq), Format.time(entry.time), Format.line(entry.user), entry.command, records,
                    entry.tags.map { s.label("tag", $0) }.joined(separator: ", "),
                    Format.truncated(Format.line(entry.purpose ?? ""), to: 40)]
        }
        var table = TableWriter(["#", context.t("out.time"), context.t("user.col.user"), context.t("audit.col.command"),
                                 context.t("audit.col.records"), s.field("tags"), s.field("purpose")])
        var draft = AuditDraft(user: reader.name, kind: "display", command: "audit list")
        var last: UInt64 = 0
        try context.streamingRead(store) { () throws(CLIError) in
            try context.store { () throws(StoreError) in
                try store.forEachAuditEntry(user: user, since: since) { entry in
                    draft.records.formUnion(entry.records)
                    last = entry.seq
                    if !context.json { table.measure(row(entry)) }
                }
            }
        }
        // Who read which child is itself about the children: the listing is logged too (its
        // own entry is not in the list it shows).
        try context.logDisplay(store, as: reader, command: "audit list") { entry in entry.records = draft.records }
        try context.streamingRead(store) { () throws(CLIError) in
            if context.json {
                let writer = JSONArrayWriter(context)
                if last > 0 {
                    try context.store { () throws(StoreError) in
                        try store.forEachAuditEntry(user: user, since: since, through: last) { entry in
                            writer.append(["seq": NSNumber(value: entry.seq), "time": Format.time(entry.time), "time_ms": NSNumber(value: entry.time),
                                           "replica": entry.replica.description, "user": entry.user, "kind": entry.kind, "command": entry.command,
                                           "records": entry.records.map(\.description), "fields": entry.fields, "tags": entry.tags,
                                           "purpose": entry.purpose.map { $0 as Any } ?? NSNull(),
                                           "hash": entry.hash.map { String(format: "%02x", $0) }.joined()] as [String: Any])
                        }
                    }
                }
                writer.finish()
                return
            }
            if last == 0 {
                context.out(context.t("audit.none"))
                return
            }
            let lines = LineBuffer(context)
            table.writeHeader(to: lines)
            try context.store { () throws(StoreError) in
                try store.forEachAuditEntry(user: user, since: since, through: last) { entry in table.write(row(entry), to: lines) }
            }
            lines.flush()
        }
    }
}

struct AuditVerify: Command {
    static let spec = CommandSpec(["audit", "verify"], help: "audit.verify")
    init(_ arguments: ParsedArguments, _ context: Context) {}

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let result = try context.store { () throws(StoreError) in try store.verifyAudit() }
        if context.json {
            context.printJSON(["entries": result.count, "intact": result.firstBreak == nil,
                               "first_broken_seq": result.firstBreak.map { NSNumber(value: $0.seq) as Any } ?? NSNull(),
                               "reason": result.firstBreak.map { $0.reason.rawValue as Any } ?? NSNull()])
        } else if result.firstBreak == nil {
            context.out(context.t("audit.intact", String(result.count)))
        }
        if let broken = result.firstBreak {
            let message = context.t("audit.broken", String(broken.seq), context.t("audit.reason.\(broken.reason.rawValue)"))
            throw CLIError(.differences, message)
        }
    }
}


extension AuditDraft {
    /// Adds a record an edit wrote and `type.field` of each field, with the tag it was
    /// written under (`tag`, else the field's default).
    mutating func addWritten(_ type: String, record: RecordID, fields names: some Sequence<String>, tag: Tag? = nil) {
        records.insert(record)
        let schema = Schema.current.recordType(type)
        for name in names {
            fields.insert(type + "." + name)
            insertTag((tag ?? schema?.field(name)?.defaultTag ?? Tag.mostRestrictive).rawValue)
        }
    }

    /// Adds what one `set` changed, if anything.
    mutating func addChange(_ change: Change?) {
        if let change { add(change) }
    }
}
