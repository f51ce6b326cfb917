import Foundation
import NavetCore
import NavetPolicy
import NavetStore
import NavetSQLite
import NavetWire
import NavetSync

/// Where a command writes: standard output and error, or buffers (for the demo and tests).
///
/// Writing never traps: a full disk (`> /dev/full`), a closed descriptor (`>&-`) or a
/// reader that went away makes the write fail, the first failure is remembered in
/// `writeFailure`, and the dispatcher turns it into exit code 5.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    private var captured: (out: String, err: String)?
    private var failure: (stream: String, errno: Int32)?

    public init(capture: Bool = false) {
        captured = capture ? ("", "") : nil
    }

    /// Writes one or more lines to standard output. Control characters other than line
    /// feeds are written visibly (`\r`, `\u{1B}`): data never reaches a terminal raw.
    public func out(_ text: String) {
        let line = TextRules.visible(text, keepingLineFeeds: true) + "\n"
        lock.lock(); defer { lock.unlock() }
        if captured != nil { captured!.out += line } else { write(line, to: 1, stream: "stdout") }
    }

    /// Writes lines already ended by line feeds, as UTF-8 (issue 15: a long list in chunks):
    /// the bytes `out` writes for the same text without its last line feed. Printable ASCII
    /// and line feeds are written as they are; anything else goes through `out`'s escaping.
    public func write(lines bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let printable = bytes.withUnsafeBufferPointer { buffer -> Bool in
            for byte in buffer where (byte < 0x20 && byte != 0x0A) || byte >= 0x7F { return false }
            return true
        }
        guard printable, bytes[bytes.count - 1] == 0x0A else {
            out(String(decoding: bytes.last == 0x0A ? bytes.dropLast() : bytes[...], as: UTF8.self))
            return
        }
        lock.lock(); defer { lock.unlock() }
        if captured != nil { captured!.out += String(decoding: bytes, as: UTF8.self) } else { write(bytes, to: 1, stream: "stdout") }
    }

    /// Writes CSV records to standard output, each ended by CR LF (RFC 4180); other control
    /// characters in them are escaped as `out` does.
    public func csv(_ records: [String]) {
        let text = records.map { TextRules.visible($0, keepingLineFeeds: true) + "\r\n" }.joined()
        lock.lock(); defer { lock.unlock() }
        if captured != nil { captured!.out += text } else { write(text, to: 1, stream: "stdout") }
    }

    /// Writes to standard error, escaping control characters as `out` does.
    public func err(_ text: String) {
        let line = TextRules.visible(text, keepingLineFeeds: true) + "\n"
        lock.lock(); defer { lock.unlock() }
        if captured != nil { captured!.err += line } else { write(line, to: 2, stream: "stderr") }
    }

    /// The first failed write: which stream ("stdout" or "stderr") and its errno; nil if all succeeded.
    public var writeFailure: (stream: String, errno: Int32)? { lock.lock(); defer { lock.unlock() }; return failure }

    /// Writes all of `text` to `descriptor`, retrying after EINTR and partial writes.
    /// Must be called with `lock` held.
    private func write(_ text: String, to descriptor: Int32, stream: String) {
        write(Array(text.utf8), to: descriptor, stream: stream)
    }

    /// Writes all of `bytes` to `descriptor` (as `write(_:to:stream:)`). Must be called with `lock` held.
    private func write(_ bytes: [UInt8], to descriptor: Int32, stream: String) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Console.systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                if failure == nil { failure = (stream, count < 0 ? errno : EIO) }
                return
            }
            offset += count
        }
    }

    /// Glibc's `write(2)`, named apart from `write(_:to:stream:)`.
    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        Glibc.write(descriptor, buffer, count)
    }

    /// Whether output is captured (the demo, tests): such a console never prompts.
    public var isCapturing: Bool { lock.lock(); defer { lock.unlock() }; return captured != nil }

    public var capturedOut: String { lock.lock(); defer { lock.unlock() }; return captured?.out ?? "" }
    public var capturedErr: String { lock.lock(); defer { lock.unlock() }; return captured?.err ?? "" }
}

/// What every command gets: global options, the language, the clock and the console.
public struct Context {
    public let program: String
    public let strings: Strings
    public let json: Bool
    public let databasePath: String
    public let console: Console
    /// Milliseconds since 1970; read once per command so one command has one time.
    public let now: Int64
    /// `--user NAME`, else `NAVET_USER` (issue 13): whom a command that shows or changes
    /// case data runs as; nil means the operating-system login's user.
    var user: String? = nil
    /// Where `user` came from: "--user" or "NAVET_USER".
    var userSource: String = "--user"
    /// `--purpose TEXT`: why case data is displayed, recorded in the read audit.
    var purpose: String? = nil

    func out(_ text: String) { console.out(text) }
    func err(_ text: String) { console.err(text) }

    /// Prints a JSON value (dictionary or array) for scripts: sorted keys, UTF-8 as is.
    func printJSON(_ value: Any) {
        // Only strings, numbers, booleans, NSNull, arrays and dictionaries reach here; should
        // serialization still fail, an empty object is printed rather than trapping.
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        out(String(decoding: data, as: UTF8.self))
    }

    func t(_ key: String, _ arguments: String...) -> String { strings.t(key, arguments) }

    /// Opens the replica named by `--db`, mapping failures to messages.
    /// The exclusive lock a `navet sync`, `export` or `import` holds on the replica file
    /// while it runs (`StoreLock`); refuses at once, changing nothing, while another holds it.
    func lockForSync() throws(CLIError) -> StoreLock {
        switch StoreLock.acquire(databasePath, exclusive: true) {
        case .locked(let lock): return lock
        case .busy: throw CLIError(.io, t("error.replicaBusy", Format.line(databasePath)))
        case .failed(let code): throw CLIError(.io, t("error.storeLock", Format.line(databasePath), String(cString: strerror(code))))
        }
    }

    func openReplica() throws(CLIError) -> ReplicaStore {
        let store: ReplicaStore
        do {
            store = try ReplicaStore.open(path: databasePath)
        } catch {
            throw describe(error)
        }
        // A purge an earlier redaction left pending is retried first; if another program
        // still holds the file it stays pending (`navet status` says so).
        _ = try? store.completePurge()
        return store
    }

    /// Reads the whole of standard input as UTF-8 text (for `--text -`), at most 1 MiB;
    /// one final line feed is dropped. More than that is refused by `field`'s own limit
    /// in characters when it has one (far below 1 MiB), else as larger than 1 MiB.
    func readStandardInput(option: String, field: FieldSchema? = nil) throws(CLIError) -> String {
        let limit = 1 << 20
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CLIError(.io, t("error.readStdin", option, systemError(errno)))
            }
            if count == 0 { break }
            bytes += buffer[..<count]
            if bytes.count > limit {
                if case .text(let maxLength)? = field?.kind {
                    throw CLIError(.validation, t("schema.tooLong", option, String(maxLength)))
                }
                throw CLIError(.validation, t("error.readStdin", option, t("error.stdinTooLarge")))
            }
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The reason a file could not be read, with what to do.
    func describeRead(_ failure: FileIO.Failure, path: String) -> CLIError {
        switch failure.errno {
        case ENOENT: return CLIError(.io, t("error.noSuchFile", Format.line(path)))
        case EISDIR: return CLIError(.io, t("error.isFolder", Format.line(path)))
        case ENODEV: return CLIError(.io, t("error.notRegularFile", Format.line(path)))
        case EACCES, EPERM: return CLIError(.io, t("error.noPermission", Format.line(path)))
        default: return CLIError(.io, t("error.readFile", Format.line(path), systemError(failure.errno)))
        }
    }

    // MARK: Error text

    func describe(_ error: StoreError) -> CLIError {
        switch error {
        case .missing(let path): return CLIError(.io, t("error.noDatabase", path))
        case .alreadyExists(let path): return CLIError(.io, t("error.exists", path))
        case .notANavetDatabase(let path, "it is a central file, not a replica file"):
            return CLIError(.io, t("error.isCentralStore", Format.line(path)))
        case .notANavetDatabase(let path, "it is a replica file, not a central file"):
            return CLIError(.io, t("error.isReplicaFile", Format.line(path)))
        case .notANavetDatabase(let path, let reason):
            return CLIError(.io, t("error.notNavet", path, "", notNavetReason(reason)).replacingOccurrences(of: "  ", with: " "))
        case .tooNew(let path, let found, let supported):
            return CLIError(.io, t("error.tooNew", path, String(found), String(supported)))
        case .damaged(let path, let reason):
            return CLIError(.io, t("error.damaged", Format.line(path), reason))
        case .inUseDuringUpgrade(let path, let from, let to):
            return CLIError(.io, t("error.inUseDuringUpgrade", Format.line(path), String(from), String(to)))
        case .unknownRecord(let id):
            return unknownRecord(id.rawValue == 0 ? "?" : id.description, type: "child")
        case .ambiguousRecord(let prefix, let matches):
            return CLIError(.validation, t("error.ambiguousRecord", Format.line(prefix), String(matches), "…"))
        case .wrongRecordType(let id, let expected, let actual):
            return CLIError(.validation, t("error.wrongType", id.description, strings.typeWithArticle(actual), strings.typeWithArticle(expected)))
        case .appendOnly(let type): return CLIError(.validation, t("error.appendOnly", strings.label("type", type)))
        case .invalid(let schemaError): return CLIError(.validation, describe(schemaError))
        case .noConflict(let id, let field): return CLIError(.validation, t("error.noConflict", id.description, strings.field(field)))
        case .conflictingDuplicate(let origin, let seq):
            return CLIError(.refused, t("bundle.duplicate", origin.description, String(seq)))
        case .foreignOrigin(let sender, let origin):
            return CLIError(.refused, t("bundle.foreignOrigin", sender.description, origin.description))
        case .sequenceGap(let origin, let expected, let got):
            return CLIError(.refused, t("bundle.gap", origin.description, String(expected), String(got)))
        case .wrongServer(let expected, let got):
            return CLIError(.refused, t("bundle.wrongServer", expected.description, got.description))
        case .duplicateOrganisation(let name): return CLIError(.validation, t("error.duplicateOrganisation", Format.line(name)))
        case .unknownOrganisation(let name): return CLIError(.validation, t("error.unknownOrganisation", Format.line(name)))
        case .unknownReplica(let id): return CLIError(.refused, t("refusal.unknown_replica") + " (\(id))")
        case .revokedReplica(let id): return CLIError(.refused, t("refusal.revoked_replica") + " (\(id))")
        case .replayedNonce: return CLIError(.refused, t("refusal.replayed_nonce"))
        case .replicaCopied(let id): return CLIError(.refused, t("refusal.replica_copied") + " (\(id))")
        case .enrollmentRefused(.sameReplica(let id)): return CLIError(.refused, t("enroll.sameReplica", id.description))
        case .enrollmentRefused(.otherServer(let synced, let enrollment)):
            return CLIError(.refused, t("enroll.otherServer", synced.description, enrollment.description))
        case .enrollmentRefused(.idInUse(let id)): return CLIError(.refused, t("enroll.idInUse", id.description))
        case .invalidPolicy(let policyError): return CLIError(.refused, describe(policyError, file: t("policy.theFile")))
        case .storedPolicyUnreadable(let version, let policyError):
            let reason = policyError.map { describe($0, file: t("policy.theFile")) } ?? t("policy.storedDamaged")
            return CLIError(.io, t("policy.storedUnreadable", String(version), reason))
        case .sqlite(let sqlite):
            if sqlite.isDiskFull { return CLIError(.io, t("error.diskFull", databasePath)) }
            return CLIError(.io, t("error.database", databasePath, sqliteError(sqlite, path: databasePath)))
        }
    }

    /// The store's reason why a file is not a Navet file of the expected role, in this
    /// language (the store speaks English; its reasons are a fixed set).
    func notNavetReason(_ reason: String) -> String {
        let roles = ["replica": t("file.replica"), "central": t("file.central")]
        if reason.hasPrefix("another program's SQLite database, ") {
            return t("notNavet.otherProgram", String(reason.dropFirst("another program's SQLite database, ".count)))
        }
        if reason.hasPrefix("it is a "), reason.hasSuffix(" file"), let range = reason.range(of: " file, not a ") {
            let found = String(reason[reason.index(reason.startIndex, offsetBy: 8)..<range.lowerBound])
            let wanted = String(reason[range.upperBound...].dropLast(" file".count))
            return t("notNavet.otherRole", roles[found] ?? found, roles[wanted] ?? wanted)
        }
        let known: [String: String] = [
            "not an SQLite database": "notNavet.notSQLite", "no Navet tables": "notNavet.noTables", "no id": "notNavet.noID",
            "no role": "notNavet.noRole", "it fails PRAGMA integrity_check": "notNavet.integrity",
            "the copy failed its integrity check": "notNavet.integrity",
        ]
        if let key = known[reason] { return t(key) }
        return reason.hasPrefix("malformed ") ? t("notNavet.damaged") : reason
    }

    /// The message for `error`; `option` (the option or argument the value was typed for)
    /// names the value instead of the field's label, so a message never names both.
    func describe(_ error: SchemaError, option: String? = nil) -> String {
        let strings = LabelStrings(strings: strings, option: option)
        switch error {
        case .unknownRecordType(let type): return t("schema.unknownRecordType", type)
        case .unknownField(let type, let field):
            let names = Schema.current.recordType(type)?.fields.map { strings.fieldWord($0.name) }.joined(separator: ", ") ?? ""
            return t("schema.unknownField", Format.line(field), names)
        case .required(let field):
            // A value typed for an option but empty (`--text ""`): it was given, so it is
            // not missing; a missing option is a usage error before this.
            if let option { return t("error.emptyValue", option) }
            return t("schema.required", strings.field(field))
        case .tooLong(let field, let max): return t("schema.tooLong", strings.field(field), String(max))
        case .invalidCode(let field): return t("schema.invalidCode", strings.field(field))
        case .invalidDate(let field): return t("schema.invalidDate", strings.field(field))
        case .noSuchDate(let field, let text): return t("schema.noSuchDate", strings.field(field), Format.line(text))
        case .dateOutOfRange(let field, let text): return t("schema.dateOutOfRange", strings.field(field), Format.line(text))
        case .controlCharacter(let field, let scalar, let lineBreaksAllowed):
            let shown = Unicode.Scalar(scalar).map { TextRules.visible(String($0)) } ?? "?"
            return t(lineBreaksAllowed ? "schema.controlCharacterText" : "schema.controlCharacter", strings.field(field), shown)
        case .notUTF8(let field): return t("schema.notUTF8", strings.field(field))
        case .invisibleCharacter(let field, let scalar):
            let shown = Unicode.Scalar(scalar).map { TextRules.visible(String($0)) } ?? "?"
            return t("schema.invisibleCharacter", strings.field(field), shown)
        case .invalidBool(let field): return t("schema.invalidBool", strings.field(field))
        case .invalidTimestamp(let field): return t("schema.invalidTimestamp", strings.field(field))
        case .invalidTagList(let field):
            return t("schema.invalidTagList", strings.field(field), choiceList(Tag.vocabulary.map(\.rawValue), kind: "tag"))
        case .notAChoice(let field, let allowed):
            return t("schema.notAChoice", strings.field(field), choiceList(allowed, kind: HubStrings.choiceKind(field)))
        case .invalidReference(let field): return t("schema.invalidReference", strings.field(field))
        case .wrongKind(let field): return t("schema.wrongKind", strings.field(field))
        case .appendOnly(let type): return t("schema.appendOnly", strings.label("type", type))
        case .invalidStamp: return t("schema.invalidStamp")
        case .versionExhausted(let field): return t("schema.versionExhausted", strings.field(field))
        }
    }

    /// The choices of a kind as people may type them: in English the codes with their
    /// labels, in Swedish the Swedish labels only.
    /// `Strings` for `describe`, whose `field` is the option when one is given.
    private struct LabelStrings {
        let strings: Strings
        let option: String?
        func field(_ name: String) -> String { option ?? strings.field(name) }
        func fieldWord(_ name: String) -> String { strings.fieldWord(name) }
        func label(_ kind: String, _ code: String) -> String { strings.label(kind, code) }
    }

    func choiceList(_ codes: [String], kind: String) -> String {
        codes.map { code in
            let label = strings.label(kind, code)
            if strings.language == .swedish { return label }
            return label == code ? code : "\(code) (\(label))"
        }.joined(separator: ", ")
    }

    func describe(_ error: SyncError, file: String) -> CLIError {
        let reason: String
        switch error {
        case .malformed(let bundleError): reason = describe(bundleError)
        case .wrongKind(.reply, .upload):
            reason = t("bundle.uploadNotReply")
        case .wrongKind(let expected, let got):
            reason = t("bundle.wrongKind", t("bundle.kind.\(got == .upload ? "upload" : "reply")"),
                       t("bundle.kind.\(expected == .upload ? "upload" : "reply")"))
        case .notForThisReplica(let recipient, let this):
            reason = t("bundle.notForReplica", recipient?.description ?? "-", this.description)
        case .notForThisServer(let recipient, let this):
            reason = t("bundle.notForServer", recipient.description, this.description)
        case .staleReply(let alreadyApplied):
            reason = t(alreadyApplied ? "bundle.replyAlreadyApplied" : "bundle.staleReply")
        case .schemaTooNew(let bundle, let supported): reason = t("bundle.schema", String(bundle), String(supported))
        case .invalidChange(let index, let schemaError): reason = t("bundle.invalidChange", String(index + 1), describe(schemaError))
        case .badSignature: reason = t("refusal.bad_signature")
        case .notEnrolled: return CLIError(.validation, t("error.notEnrolled"))
        case .store(let storeError):
            let described = describe(storeError)
            if described.code == .io { return described }
            reason = described.message
        }
        return CLIError(.refused, t("error.refusedBundle", file, reason))
    }

    /// Why an enrollment file was refused, in the reader's language.
    func describe(_ error: Enrollment.ParseError) -> String {
        switch error {
        case .tooLarge: return t("enrollment.tooLarge")
        case .notUTF8: return t("enrollment.notUTF8")
        case .malformedLine(let line): return t("enrollment.malformedLine", String(line))
        case .unknownKey(let key): return t("enrollment.unknownKey", Format.line(key))
        case .repeatedKey(let key): return t("enrollment.repeatedKey", Format.line(key))
        case .missingKey(let key): return t("enrollment.missingKey", Format.line(key))
        case .unsupportedVersion(let version):
            // A later version needs a newer Navet; anything else ("01", "x") was never written by one.
            let newer = !version.hasPrefix("0") && DecimalNumber.parse(version, in: (Enrollment.formatVersion + 1)...Int.max) != nil
            return t(newer ? "enrollment.version" : "enrollment.badVersion", Format.line(version))
        case .invalidValue(let key): return t("enrollment.invalidValue", Format.line(key))
        }
    }

    func describe(_ error: BundleError) -> String {
        switch error {
        case .truncated: return t("bundle.truncated")
        case .badMagic: return t("bundle.badMagic")
        case .unsupportedVersion(let version):
            // Older: the other side must update; newer (or damage): this side.
            return t(version < BundleCodec.readableVersions.lowerBound ? "bundle.versionOlder" : "bundle.versionNewer",
                     String(version), BundleCodec.readableVersionsText)
        case .checksumMismatch: return t("bundle.checksum")
        case .tooLarge: return t("bundle.tooLarge")
        case .badFlags(let flags): return t("bundle.flags", String(flags))
        case .badSignatureLength(0): return t("bundle.unsigned")
        case .badSignatureLength(let length): return t("bundle.signatureSize", String(length))
        case .trailingBytes: return t("bundle.trailing")
        case .decompressionFailed: return t("bundle.unpack")
        case .lengthMismatch: return t("bundle.contentSize")
        // The reason is a fixed technical phrase in English (Protocol/BUNDLE.md, "Refusal
        // reasons"), shown as such: it names which rule the file breaks, for a report.
        case .malformedPayload(let reason), .invalidValue(let reason): return t("bundle.corrupt", Format.line(reason))
        }
    }
}
