import Foundation
import NavetCore
import NavetHTTP
import NavetPolicy
import NavetStore
import NavetSync

/// `POST /v1/verify` (Protocol/HTTP.md, "Verification"): signed like `/v1/sync`; a JSON
/// body with the replica's cursor and the scopes it wants listed; a JSON answer with the
/// digest of each (child, tag) it may hold.
extension Router {
    /// At most this many scopes may be asked for in detail in one request.
    static let verifyDetailLimit = 10_000

    func verify(_ request: HTTPRequest, fields: inout [String: Any]) -> HTTPResponse {
        let now = Format.now()
        let signature = RequestSignature { request.headers.only($0) }
        fields["replica"] = signature?.replica.description
        fields["bytes_in"] = request.body.count
        do throws(Refusal) {
            try service.checkRequest(signature, method: "POST", path: "/v1/verify", body: request.body, now: now)
            guard let signature else { throw Refusal(.malformedRequest, "missing or malformed Navet-* headers") }
            guard let parsed = Self.parseVerifyRequest(request.body) else {
                throw Refusal(.malformedRequest, "not a verification request")
            }
            let result = try service.verify(replica: signature.replica, cursor: parsed.cursor, now: now)
            let digests = result.digests
            let scopes: [[String: Any]] = digests.scopes.map { scope in
                ["child": scope.child.description, "tag": scope.tag.rawValue, "count": digests.count(scope),
                 "digest": digests.digest(scope)]
            }
            let detail: [[String: Any]] = parsed.detail.map { scope in
                let held: [VerifiedChange] = digests.changes[scope] ?? []
                let changes: [[String: String]] = held.sorted { $0.ref < $1.ref }.map {
                    ["change": $0.line, "record_type": $0.recordType, "field": $0.field]
                }
                return ["child": scope.child.description, "tag": scope.tag.rawValue, "changes": changes]
            }
            fields["scopes"] = scopes.count
            return json(200, ["cursor": NSNumber(value: parsed.cursor), "policy_version": NSNumber(value: result.policyVersion),
                              "scopes": scopes, "detail": detail])
        } catch {
            fields["refused"] = error.reason.rawValue
            return json(error.reason.httpStatus, ["reason": error.reason.rawValue, "message": error.detail])
        }
    }

    /// `{"cursor": N, "detail": [{"child": HEX, "tag": TAG}, ...]}` (Protocol/HTTP.md,
    /// "Verification"), read strictly: the cursor a decimal integer from 0 to 2^63 − 1 (not
    /// `true`, `1.0` or `1e3`), each key once, no other key, `detail` optional. Nil if
    /// malformed.
    static func parseVerifyRequest(_ body: [UInt8]) -> (cursor: UInt64, detail: [VerificationScope])? {
        guard let root = try? JSONReader.read(body), case .object(let members) = root.value else { return nil }
        var cursor: UInt64?
        var detail: [VerificationScope] = []
        for member in members {
            switch (member.key, member.value.value) {
            case ("cursor", .number(let text)):
                guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text == "0" || !text.hasPrefix("0"),
                      let number = UInt64(text), number <= UInt64(Int64.max) else { return nil }
                cursor = number
            case ("detail", .array(let entries)):
                guard entries.count <= verifyDetailLimit else { return nil }
                for entry in entries {
                    guard case .object(let fields) = entry.value, fields.count == 2 else { return nil }
                    var child: RecordID?
                    var tag: Tag?
                    for field in fields {
                        switch (field.key, field.value.value) {
                        case ("child", .string(let hex)): child = RecordID(hex: hex)
                        case ("tag", .string(let text)): tag = Tag(rawValue: text)
                        default: return nil
                        }
                    }
                    guard let child, let tag else { return nil }
                    detail.append(VerificationScope(child: child, tag: tag))
                }
            default: return nil
            }
        }
        guard let cursor else { return nil }
        return (cursor, detail)
    }
}
