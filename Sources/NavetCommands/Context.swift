import Foundation
import NavetCore
import NavetStore
import NavetSQLite
import NavetWire
import NavetSync

/// Where a command writes: standard output and error, or buffers (for the demo and tests).
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    private var captured: (out: String, err: String)?

    public init(capture: Bool = false) {
        captured = capture ? ("", "") : nil
    }

    public func out(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if captured != nil { captured!.out += text + "\n" } else { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    public func err(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if captured != nil { captured!.err += text + "\n" } else { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

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

    func out(_ text: String) { console.out(text) }
    func err(_ text: String) { console.err(text) }

    /// Prints a JSON value (dictionary or array) for scripts: sorted keys, UTF-8 as is.
    func printJSON(_ value: Any) {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        out(String(decoding: data, as: UTF8.self))
    }

    func t(_ key: String, _ arguments: String...) -> String { strings.t(key, arguments) }

    /// Opens the replica named by `--db`, mapping failures to messages.
    func openReplica() throws(CLIError) -> ReplicaStore {
        do {
            return try ReplicaStore.open(path: databasePath)
        } catch {
            throw describe(error)
        }
    }

    // MARK: Error text

    func describe(_ error: StoreError) -> CLIError {
        switch error {
        case .missing(let path): return CLIError(.io, t("error.noDatabase", path))
        case .alreadyExists(let path): return CLIError(.io, t("error.exists", path))
        case .notANavetDatabase(let path, let reason):
            return CLIError(.io, t("error.notNavet", path, "", reason).replacingOccurrences(of: "  ", with: " "))
        case .tooNew(let path, let found, let supported):
            return CLIError(.io, t("error.tooNew", path, String(found), String(supported)))
        case .unknownRecord(let id):
            return CLIError(.validation, t("error.unknownRecord", t("type.child"), id.rawValue == 0 ? "?" : id.description))
        case .ambiguousRecord(let prefix, let matches):
            return CLIError(.validation, t("error.ambiguousRecord", prefix, String(matches)))
        case .wrongRecordType(let id, let expected, let actual):
            return CLIError(.validation, t("error.wrongType", id.description, strings.label("type", actual), strings.label("type", expected)))
        case .appendOnly(let type): return CLIError(.validation, t("error.appendOnly", strings.label("type", type)))
        case .invalid(let schemaError): return CLIError(.validation, describe(schemaError))
        case .noConflict(let id, let field): return CLIError(.validation, t("error.noConflict", id.description, field))
        case .conflictingDuplicate(let origin, let seq):
            return CLIError(.refused, t("bundle.duplicate", origin.description, String(seq)))
        case .foreignOrigin(let sender, let origin):
            return CLIError(.refused, t("bundle.foreignOrigin", sender.description, origin.description))
        case .sequenceGap(let origin, let expected, let got):
            return CLIError(.refused, t("bundle.gap", origin.description, String(expected), String(got)))
        case .wrongServer(let expected, let got):
            return CLIError(.refused, t("bundle.wrongServer", expected.description, got.description))
        case .duplicateOrganisation(let name): return CLIError(.validation, t("error.duplicateOrganisation", name))
        case .unknownOrganisation(let name): return CLIError(.validation, t("error.unknownOrganisation", name))
        case .unknownReplica(let id): return CLIError(.refused, t("refusal.unknown_replica") + " (\(id))")
        case .revokedReplica(let id): return CLIError(.refused, t("refusal.revoked_replica") + " (\(id))")
        case .replayedNonce: return CLIError(.refused, t("refusal.replayed_nonce"))
        case .replicaCopied(let id): return CLIError(.refused, t("refusal.replica_copied") + " (\(id))")
        case .enrollmentRefused(.sameReplica(let id)): return CLIError(.refused, t("enroll.sameReplica", id.description))
        case .enrollmentRefused(.otherServer(let synced, let enrollment)):
            return CLIError(.refused, t("enroll.otherServer", synced.description, enrollment.description))
        case .enrollmentRefused(.idInUse(let id)): return CLIError(.refused, t("enroll.idInUse", id.description))
        case .sqlite(let sqlite):
            if sqlite.isDiskFull { return CLIError(.io, t("error.diskFull", databasePath)) }
            return CLIError(.io, t("error.database", databasePath, sqlite.message))
        }
    }

    func describe(_ error: SchemaError) -> String {
        switch error {
        case .unknownRecordType(let type): return t("schema.unknownRecordType", type)
        case .unknownField(let type, let field):
            let names = Schema.current.recordType(type)?.fields.map(\.name).joined(separator: ", ") ?? ""
            return t("schema.unknownField", field, names)
        case .required(let field): return t("schema.required", strings.field(field))
        case .tooLong(let field, let max): return t("schema.tooLong", strings.field(field), String(max))
        case .invalidCode(let field): return t("schema.invalidCode", strings.field(field))
        case .invalidDate(let field): return t("schema.invalidDate", strings.field(field))
        case .invalidBool(let field): return t("schema.invalidBool", strings.field(field))
        case .notAChoice(let field, let allowed):
            let kind = field == "kind" ? "note" : "asylum"
            let list = allowed.map { code in
                let label = strings.label(kind, code)
                return label == code ? code : "\(code) (\(label))"
            }
            return t("schema.notAChoice", strings.field(field), list.joined(separator: ", "))
        case .invalidReference(let field): return t("schema.invalidReference", strings.field(field))
        case .wrongKind(let field): return t("schema.wrongKind", strings.field(field))
        case .appendOnly(let type): return t("schema.appendOnly", strings.label("type", type))
        case .invalidStamp: return t("schema.invalidStamp")
        }
    }

    func describe(_ error: SyncError, file: String) -> CLIError {
        let reason: String
        switch error {
        case .malformed(let bundleError): reason = describe(bundleError)
        case .wrongKind(let expected, let got):
            reason = t("bundle.wrongKind", t("bundle.kind.\(got == .upload ? "upload" : "reply")"),
                       t("bundle.kind.\(expected == .upload ? "upload" : "reply")"))
        case .notForThisReplica(let recipient, let this):
            reason = t("bundle.notForReplica", recipient?.description ?? "-", this.description)
        case .notForThisServer(let recipient, let this):
            reason = t("bundle.notForServer", recipient.description, this.description)
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

    func describe(_ error: BundleError) -> String {
        switch error {
        case .truncated: return t("bundle.truncated")
        case .badMagic: return t("bundle.badMagic")
        case .unsupportedVersion(let version): return t("bundle.version", String(version), String(BundleCodec.formatVersion))
        case .checksumMismatch: return t("bundle.checksum")
        case .tooLarge: return t("bundle.tooLarge")
        default: return t("bundle.corrupt", String(describing: error))
        }
    }
}
