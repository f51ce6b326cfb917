// libFuzzer harness for the enrollment file parser (`Enrollment.parse`,
// Protocol/ENROLLMENT.md). Build and run with `Tools/fuzz/run.sh enrollment SECONDS`;
// Enrollment.swift is compiled into this module, NavetCore and NavetCrypto are built
// first as modules of their own (modules.txt).
//
// Every input is tried two ways:
// A. as an enrollment file, as it is;
// B. as the value of one key (chosen by the first byte) in an otherwise valid file, so
//    value checks and the round trip see arbitrary text without the fuzzer having to
//    build a whole file first.
// Checked:
// 1. parse never traps or hangs;
// 2. input over 4096 bytes is refused with `tooLarge`;
// 3. an accepted file holds what the spec allows (ids valid, 32-byte secret, URL and
//    organisation within their rules), and `serialize()` of it is at most 4096 bytes
//    and parses back to an equal value, byte for byte in the texts, and serializes to
//    the same bytes again.
// Any violation traps, which libFuzzer reports as a crash.

import NavetCore
import NavetCrypto

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    if let first = bytes.first {
        let key = Enrollment.keys[Int(first) % Enrollment.keys.count]
        check(file(replacing: key, with: bytes.dropFirst()))
    }
    return 0
}

func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("enrollment invariant violated: \(message())") }
}

/// A valid file (the test secret 00 01 … 1f) with the value of `key` replaced by `value`.
func file(replacing key: String, with value: ArraySlice<UInt8>) -> [UInt8] {
    let lines: [(String, String)] = [
        ("navet-enrollment", "1"),
        ("server", "1f6c9296b8477a86"),
        ("url", "https://navet.example.se"),
        ("replica", "384d79d853a433b0"),
        ("organisation", "Socialtjänsten Strömsund"),
        ("secret", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
    ]
    var out = [UInt8]()
    for (name, text) in lines {
        out += Array(name.utf8) + Array(": ".utf8)
        out += name == key ? Array(value) : Array(text.utf8)
        out.append(0x0A)
    }
    return out
}

func parseResult(_ bytes: [UInt8]) -> Result<Enrollment, Enrollment.ParseError> {
    Result { () throws(Enrollment.ParseError) -> Enrollment in try Enrollment.parse(bytes) }
}

func check(_ bytes: [UInt8]) {
    let result = parseResult(bytes)
    if bytes.count > Enrollment.maxBytes {
        invariant(result == .failure(.tooLarge), "\(bytes.count) bytes not refused as tooLarge")
    }
    guard case .success(let enrollment) = result else { return }

    invariant(bytes.count <= Enrollment.maxBytes, "accepted more than 4096 bytes")
    for id in [enrollment.serverID, enrollment.replicaID] {
        invariant(id.rawValue != 0 && id.rawValue <= UInt64(Int64.max), "accepted an invalid id")
    }
    invariant(enrollment.secret.count == 32, "secret is not 32 bytes")
    let url = Array(enrollment.url.utf8)
    invariant(url.starts(with: Array("http://".utf8)) || url.starts(with: Array("https://".utf8)), "bad URL scheme")
    invariant(url.count <= 2000 && !url.contains(where: { $0 <= 0x20 || $0 == 0x7F }), "bad URL")
    let organisation = Array(enrollment.organisation.utf8)
    invariant((1...200).contains(organisation.count), "organisation length outside 1...200")
    invariant(!organisation.contains(0x0A) && !organisation.contains(0x0D), "line break in the organisation")

    let text = enrollment.serialize()
    invariant(text.count <= Enrollment.maxBytes, "serialize() wrote \(text.count) bytes, more than parse accepts")
    switch parseResult(text) {
    case .failure(let error):
        invariant(false, "serialized enrollment refused: \(error)")
    case .success(let again):
        invariant(again == enrollment, "round trip changed the enrollment")
        invariant(Array(again.url.utf8) == url, "round trip changed the URL bytes")
        invariant(Array(again.organisation.utf8) == organisation, "round trip changed the organisation bytes")
        invariant(again.serialize() == text, "serialize() is not stable")
    }
}
