import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NavetCore
import NavetStore
import NavetSync

/// `navet verify`: asks the central store for a digest of exactly what this replica may
/// hold, per child and tag, and compares it with what it holds (Protocol/HTTP.md,
/// "Verification"). Reports missing changes (the server says it may hold them; it lacks
/// them) and extra ones (it holds them and may not), each by record type, field and the
/// organisation that wrote it, never a value. Changes nothing, except with `--purge`: the
/// extra ones are then deleted and purged like a redaction. Exit 0 when equal (or only
/// extra ones, purged), 8 on any other difference, 6 when the server cannot be reached.
struct VerifyCommand: Command {
    static let spec = CommandSpec(["verify"], help: "verify", options: [
        OptionSpec("--server", value: "URL", help: "opt.server"),
        OptionSpec("--timeout", value: "SECONDS", help: "opt.verifyTimeout"),
        OptionSpec("--purge", help: "opt.verifyPurge"),
    ])
    let server: URL?
    let timeout: TimeInterval
    /// Delete the changes held but not allowed (`--purge`); otherwise nothing changes.
    let purge: Bool

    /// The default limit for the whole command, in seconds.
    static let defaultTimeout: TimeInterval = 120

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        (server, timeout) = try ServerOptions.parse(arguments, context, defaultTimeout: Self.defaultTimeout)
        purge = arguments.has("--purge")
    }

    /// One difference: a change and which side lacks it.
    struct Difference {
        var scope: VerificationScope
        var change: VerifiedChange
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let enrollment = try context.store { () throws(StoreError) in try store.enrollment() }
        guard let enrollment else { throw CLIError(.validation, context.t("error.notEnrolled")) }
        guard let base = server ?? URL(string: enrollment.url) else {
            throw CLIError(.validation, context.t("error.badURL", enrollment.url))
        }
        let shown = base.absoluteString
        let local = try context.store { () throws(StoreError) in try store.verification() }
        let client = VerifyClient(base: base, replica: store.replicaID, secret: enrollment.secret,
                                  deadline: Deadline(seconds: timeout), shown: shown)
        let answer = try client.request(cursor: local.cursor, detail: [], context: context)

        // Scopes whose count or digest differ, on either side.
        var differing = Set<VerificationScope>()
        for scope in Set(answer.scopes.keys).union(local.digests.scopes) {
            let theirs = answer.scopes[scope]
            if theirs?.count != local.digests.count(scope) || theirs?.digest != local.digests.digest(scope) {
                differing.insert(scope)
            }
        }
        var missing: [Difference] = []
        var extra: [Difference] = local.unplaced.map { Difference(scope: VerificationScope(child: RecordID(rawValue: 0), tag: .basic), change: $0) }
        let ordered = differing.sorted()
        var start = 0
        while start < ordered.count {
            let chunk = Array(ordered[start..<min(ordered.count, start + Router.verifyDetailLimit)])
            start += chunk.count
            let detail = try client.request(cursor: local.cursor, detail: chunk, context: context).detail
            for scope in chunk {
                let may = detail[scope] ?? []
                let mayRefs = Set(may.map(\.ref))
                let held = local.digests.changes[scope] ?? []
                let heldRefs = Set(held.map(\.ref))
                missing += may.filter { !heldRefs.contains($0.ref) }.map { Difference(scope: scope, change: $0) }
                extra += held.filter { !mayRefs.contains($0.ref) }.map { Difference(scope: scope, change: $0) }
            }
        }
        missing.sort { ($0.scope, $0.change.ref) < ($1.scope, $1.change.ref) }
        extra.sort { ($0.scope, $0.change.ref) < ($1.scope, $1.change.ref) }

        // --purge: what it may not hold is deleted and purged like a redaction (after the
        // list is shown, the difference is no longer an error; the missing ones still are).
        var purged: (deleted: Int, purgePending: Bool)?
        if purge && !extra.isEmpty {
            purged = try context.store { () throws(StoreError) in
                try store.purgeNotAllowed(extra.map(\.change.ref))
            }
        }

        let origins = OriginDisplay(store: store, strings: context.strings, verbose: false)
        let heldCount = local.digests.scopes.reduce(0) { $0 + local.digests.count($1) } + local.unplaced.count
        if context.json {
            func entries(_ list: [Difference]) -> [[String: Any]] {
                list.map { difference in
                    origins.adding(difference.change.ref.origin, to: [
                        "child": difference.scope.child.rawValue == 0 ? NSNull() : difference.scope.child.description,
                        "tag": difference.scope.child.rawValue == 0 ? NSNull() : difference.scope.tag.rawValue,
                        "origin": difference.change.ref.origin.description, "seq": NSNumber(value: difference.change.ref.seq),
                        "record_type": difference.change.recordType, "field": difference.change.field,
                    ])
                }
            }
            context.printJSON(["server": shown, "cursor": NSNumber(value: local.cursor),
                               "policy_version": NSNumber(value: answer.policyVersion),
                               "equal": missing.isEmpty && extra.isEmpty, "held": heldCount,
                               "scopes": answer.scopes.count, "missing": entries(missing), "extra": entries(extra),
                               "purged": purged?.deleted ?? 0, "purge_pending": purged?.purgePending ?? false])
        } else if missing.isEmpty && extra.isEmpty {
            context.out(context.t("verify.equal", String(heldCount), String(answer.scopes.count)))
        } else {
            let children = Set(missing.map(\.scope.child) + extra.map(\.scope.child)).sorted()
            for child in children {
                context.out(child.rawValue == 0 ? context.t("verify.noChild") : context.t("verify.child", child.description))
                for (list, key) in [(missing, "verify.missing"), (extra, "verify.extra")] {
                    for difference in list where difference.scope.child == child {
                        let change = difference.change
                        let type = Strings.table["type.\(change.recordType)"] != nil
                            ? context.t("type.\(change.recordType)") : Format.line(change.recordType)
                        let tag = child.rawValue == 0 ? "-" : context.t("tag.\(difference.scope.tag.rawValue)")
                        context.out(context.t(key, type, Format.line(context.strings.field(change.field)), tag,
                                              origins.text(change.ref.origin)))
                    }
                }
            }
        }
        if let purged, !context.json {
            context.out(context.t("verify.purged", String(purged.deleted)))
            if purged.purgePending { context.out(context.t("out.purgePending")) }
        }
        if purged != nil { extra = [] }
        if !missing.isEmpty || !extra.isEmpty {
            let message = extra.isEmpty ? context.t("error.verifyMissing", String(missing.count))
                : missing.isEmpty ? context.t("error.verifyExtra", String(extra.count))
                : context.t("error.verifyBoth", String(missing.count), String(extra.count))
            throw CLIError(.differences, message)
        }
    }
}

/// The signed `POST /v1/verify` round trip of `navet verify`.
struct VerifyClient {
    let base: URL
    let replica: ReplicaID
    let secret: [UInt8]
    let deadline: Deadline
    let shown: String
    let transport = HTTPTransport()

    struct Answer {
        var policyVersion: UInt64 = 0
        var scopes: [VerificationScope: (count: Int, digest: String)] = [:]
        var detail: [VerificationScope: [VerifiedChange]] = [:]
    }

    func request(cursor: UInt64, detail: [VerificationScope], context: Context) throws(CLIError) -> Answer {
        var object: [String: Any] = ["cursor": NSNumber(value: cursor)]
        if !detail.isEmpty {
            object["detail"] = detail.map { ["child": $0.child.description, "tag": $0.tag.rawValue] }
        }
        let body = Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
        let now = Format.now()
        let signature = RequestSignature.sign(method: "POST", path: "/v1/verify", body: body, replica: replica,
                                              secret: secret, now: now)
        let endpoint = base.appendingPathComponent("v1").appendingPathComponent("verify")
        let response: (status: Int, body: [UInt8])
        do {
            response = try transport.post(endpoint, body: body,
                                          headers: signature.headers + [("Content-Type", "application/json"),
                                                                        ("Navet-Client", "navet/\(Version.string)")],
                                          deadline: deadline)
        } catch {
            if error.timedOut {
                throw CLIError(.unreachable, context.t("error.verifyTimedOut", shown, SyncCommand.secondsText(deadline.limit)))
            }
            let reason = error.unknownHost.map { context.t("net.unknownHost", Format.line($0)) }
                ?? error.errno.map(context.systemError) ?? context.networkFailure(error.message)
            throw CLIError(.unreachable, context.t("error.verifyUnreachable", shown, reason))
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        guard response.status == 200 else {
            let reason = (json?["reason"] as? String).map {
                WireStrings.formatRefusal(String($0.prefix(64)), message: json?["message"] as? String)
            }
            if [404, 405, 501].contains(response.status) || ((400..<500).contains(response.status) && reason == nil) {
                throw CLIError(.unreachable, context.t("error.notNavetServer", shown, String(response.status)))
            }
            if (400..<500).contains(response.status), let reason {
                throw CLIError(.refused, context.t("error.verifyRefused", shown, context.refusalText(reason)))
            }
            throw CLIError(.unreachable, context.t("error.serverFailed", shown, String(response.status)))
        }
        guard let json, let answer = Self.parse(json) else {
            throw CLIError(.unreachable, context.t("error.notNavetServer", shown, String(response.status)))
        }
        return answer
    }

    /// The answer's scopes and detail; nil if it is not a verification answer.
    static func parse(_ json: [String: Any]) -> Answer? {
        var answer = Answer()
        guard let version = json["policy_version"] as? NSNumber, let scopes = json["scopes"] as? [[String: Any]] else {
            return nil
        }
        answer.policyVersion = version.uint64Value
        for entry in scopes {
            guard let scope = Self.scope(entry), let count = (entry["count"] as? NSNumber)?.intValue,
                  let digest = entry["digest"] as? String else { return nil }
            answer.scopes[scope] = (count, digest)
        }
        for entry in json["detail"] as? [[String: Any]] ?? [] {
            guard let scope = Self.scope(entry), let changes = entry["changes"] as? [[String: Any]] else { return nil }
            var list: [VerifiedChange] = []
            for change in changes {
                guard let line = change["change"] as? String, let recordType = change["record_type"] as? String,
                      let field = change["field"] as? String else { return nil }
                let parts = line.split(separator: ":")
                guard parts.count == 2, let origin = ReplicaID(hex: String(parts[0])), let seq = UInt64(parts[1]), seq > 0
                else { return nil }
                list.append(VerifiedChange(ref: ChangeRef(origin: origin, seq: seq), recordType: recordType, field: field))
            }
            answer.detail[scope] = list
        }
        return answer
    }

    static func scope(_ entry: [String: Any]) -> VerificationScope? {
        guard let hex = entry["child"] as? String, let child = RecordID(hex: hex), let text = entry["tag"] as? String,
              let tag = Tag(rawValue: text) else { return nil }
        return VerificationScope(child: child, tag: tag)
    }
}
