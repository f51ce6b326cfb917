// libFuzzer harness for the policy file parser (`PolicyFile.parse`, Protocol/POLICY.md).
// Build and run with `Tools/fuzz/run.sh policy SECONDS`; the NavetPolicy sources are
// compiled into this module, NavetCore is built first as a module of its own.
//
// Every input is tried two ways:
// A. as a policy file, as it is;
// B. spliced into the default policy at an offset chosen by its first two bytes, so the
//    checks behind the JSON syntax see arbitrary values without the fuzzer having to
//    build a whole policy first.
// Checked:
// 1. parse never traps or hangs;
// 2. every error names a place inside the input (line and column from 1);
// 3. an accepted policy keeps the format's promises: unique rule ids, write within read,
//    no `internal` in a rule, every fixed why present and not empty, missing-rule fields
//    of `child` and `missing` only, and parsing the same bytes again gives the same policy.
// Any violation traps, which libFuzzer reports as a crash.

import NavetCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    if bytes.count >= 2 {
        let base = Array(PolicyFile.defaultText.utf8)
        let offset = (Int(bytes[0]) << 8 | Int(bytes[1])) % (base.count + 1)
        check(Array(base[..<offset]) + bytes.dropFirst(2) + Array(base[offset...]))
    }
    return 0
}

func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("policy invariant violated: \(message())") }
}

func check(_ bytes: [UInt8]) {
    let policy: AccessPolicy
    do throws(PolicyError) {
        policy = try PolicyFile.parse(bytes)
    } catch {
        let lines = bytes.filter { $0 == 0x0A }.count + 1
        invariant(error.position.line >= 1 && error.position.line <= lines, "line \(error.position.line) of \(lines)")
        invariant(error.position.column >= 1 && error.position.column <= bytes.count + 1, "column \(error.position.column)")
        return
    }
    invariant(bytes.count <= PolicyFile.maxBytes, "accepted more than maxBytes")
    invariant(Set(policy.rules.map(\.id)).count == policy.rules.count, "repeated rule id")
    for rule in policy.rules {
        invariant(rule.write.isSubset(of: rule.read), "rule \(rule.id) writes what it does not read")
        invariant(!rule.read.contains(.internal) && !rule.write.contains(.internal), "internal in rule \(rule.id)")
        invariant(!rule.roles.isEmpty && !rule.read.isEmpty && rule.kinds?.isEmpty != true, "empty list in rule \(rule.id)")
        invariant(!rule.why.allSatisfy(\.isWhitespace), "empty why in rule \(rule.id)")
    }
    invariant(Set(policy.why.keys) == Set(AccessPolicy.whyKeys), "fixed whys incomplete")
    invariant(policy.why.values.allSatisfy { !$0.allSatisfy(\.isWhitespace) }, "an empty fixed why")
    invariant(policy.missing.fields.allSatisfy { ["child", "missing"].contains($0.recordType) }, "missing field of another type")
    invariant(!policy.label.isEmpty && policy.label.count <= PolicyFile.maxLabel, "label")
    do throws(PolicyError) {
        let again = try PolicyFile.parse(bytes)
        invariant(again == policy, "a second parse differs")
    } catch {
        invariant(false, "a second parse refused what the first accepted")
    }
}
