import Foundation
import NavetCore
import NavetHTTP
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

    /// `{"cursor": N, "detail": [{"child": HEX, "tag": TAG}, ...]}`; nil if malformed.
    static func parseVerifyRequest(_ body: [UInt8]) -> (cursor: UInt64, detail: [VerificationScope])? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let number = object["cursor"] as? NSNumber,
              number.int64Value >= 0, number.doubleValue == Double(number.int64Value) else { return nil }
        var detail: [VerificationScope] = []
        if let list = object["detail"] {
            guard let entries = list as? [Any], entries.count <= verifyDetailLimit else { return nil }
            for entry in entries {
                guard let entry = entry as? [String: Any], let hex = entry["child"] as? String,
                      let child = RecordID(hex: hex), let text = entry["tag"] as? String, let tag = Tag(rawValue: text)
                else { return nil }
                detail.append(VerificationScope(child: child, tag: tag))
            }
        }
        return (UInt64(number.int64Value), detail)
    }
}
