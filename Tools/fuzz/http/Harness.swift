// libFuzzer harness for HTTPRequestParser. Build and run with
// `Tools/fuzz/run.sh http SECONDS`; the parser sources listed in sources.txt are
// compiled into the same module, so internal helpers are visible here.
//
// For every input, under the default limits and under tiny ones, it checks:
// 1. feeding the bytes at once, one at a time and in pseudo-random pieces gives
//    the same requests followed by the same error or `.needMore`;
// 2. every request obeys the limits and the grammar the parser promises;
// 3. a request serialized and parsed again comes back equal (framing aside);
// 4. a failed parser stays failed with the same error.
// Any violation traps, which libFuzzer reports as a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for limits in fuzzLimits {
        checkSplitsAgree(bytes, limits: limits)
    }
    return 0
}

/// Production limits, and tiny ones so every limit is reachable by short inputs.
let fuzzLimits = [
    HTTPLimits(),
    HTTPLimits(
        maxRequestLineLength: 40, maxHeaderBytes: 120, maxHeaderCount: 4, maxBodyBytes: 64, maxChunkLineLength: 12),
]

struct Outcome: Equatable {
    var requests: [HTTPRequest] = []
    var error: HTTPParseError?
}

func invariant(_ condition: @autoclosure () -> Bool, _ message: String) {
    if !condition() { fatalError("HTTP parser invariant violated: \(message)") }
}

func checkSplitsAgree(_ bytes: [UInt8], limits: HTTPLimits) {
    let whole = parse(bytes, limits: limits, pieces: [bytes.count])
    var seed = fnv1a(bytes) | 1
    var random: [Int] = []
    var left = bytes.count
    while left > 0 {
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
        let piece = min(left, Int(seed % UInt64(max(2, bytes.count / 3 + 1))) + 1)
        random.append(piece)
        left -= piece
    }
    // Byte by byte finds split-dependence best; past 4 KiB it is too slow to do on every input.
    let splits = bytes.count <= 4096 ? [random, [Int](repeating: 1, count: bytes.count)] : [random]
    for pieces in splits {
        let split = parse(bytes, limits: limits, pieces: pieces)
        invariant(split == whole, "result depends on how the input is split: \(whole.error as Any) vs \(split.error as Any)")
    }
    for request in whole.requests {
        checkRequest(request, limits: limits)
        checkRoundTrip(request, limits: limits)
    }
}

func parse(_ bytes: [UInt8], limits: HTTPLimits, pieces: [Int]) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome()
    var offset = 0
    for piece in pieces {
        let chunk = bytes[offset..<(offset + piece)]
        offset += piece
        if let failure = outcome.error {
            // A failed parser stays failed: the same error, whatever comes next.
            parser.append(chunk)
            do {
                _ = try parser.next()
                invariant(false, "parser recovered after an error")
            } catch {
                invariant(error == failure, "a failed parser changed its error")
            }
            invariant(!parser.hasPartialRequest, "a failed parser reports a partial request")
            continue
        }
        parser.append(chunk)
        do {
            while case .request(let request) = try parser.next() {
                outcome.requests.append(request)
                invariant(outcome.requests.count <= bytes.count, "more requests than bytes")
            }
        } catch {
            outcome.error = error
            invariant([400, 413, 414, 417, 431, 501, 505].contains(error.status), "unexpected status \(error.status)")
        }
    }
    return outcome
}

func checkRequest(_ request: HTTPRequest, limits: HTTPLimits) {
    invariant(!request.method.isEmpty && request.method.utf8.allSatisfy(isTokenByte), "method is not a token")
    invariant(request.path == "*" ? request.method == "OPTIONS" : request.path.hasPrefix("/"), "bad path")
    invariant(request.target.utf8.count <= limits.maxRequestLineLength, "target longer than the request line limit")
    invariant(request.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }, "bad target byte")
    invariant(request.version == .http1_1 || request.version == .http1_0, "unsupported version")
    invariant(request.body.count <= limits.maxBodyBytes, "body over the limit")
    invariant(request.headers.count <= limits.maxHeaderCount, "too many headers")
    var sectionBytes = 2
    for field in request.headers {
        invariant(!field.name.isEmpty && field.name.utf8.allSatisfy(isTokenByte), "field name is not a token")
        let value = Array(field.value.utf8)
        invariant(value.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }, "control byte in a value")
        invariant(value.first != 0x20 && value.first != 0x09 && value.last != 0x20 && value.last != 0x09, "untrimmed value")
        sectionBytes += field.name.utf8.count + 1 + value.count + 2
    }
    invariant(sectionBytes <= limits.maxHeaderBytes, "header section over the limit")
    let hosts = request.headers.values(for: "host").count
    invariant(request.version == .http1_0 ? hosts <= 1 : hosts == 1, "Host rule broken")
    let hasTE = request.headers.contains("transfer-encoding")
    invariant(!(hasTE && request.headers.contains("content-length")), "both framings accepted")
    invariant(!(hasTE && request.version == .http1_0), "Transfer-Encoding accepted in HTTP/1.0")
    // ASCII folding only, as the parser does: Unicode lowercasing maps the Kelvin sign to "k".
    let connection = request.headers.values(for: "connection").joined(separator: ",")
    let tokens = connection.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
        String(decoding: trimmed($0.map(asciiLowercase)), as: UTF8.self)
    }
    let expected = request.version == .http1_1 ? !tokens.contains("close")
        : tokens.contains("keep-alive") && !tokens.contains("close")
    invariant(request.keepAlive == expected, "keep-alive rule broken")
}

func checkRoundTrip(_ request: HTTPRequest, limits: HTTPLimits) {
    // The serializer writes "Name: value" and may add a Content-Length line,
    // so give the header budget a little room.
    var roomy = limits
    roomy.maxHeaderBytes += request.headers.count + 64
    roomy.maxHeaderCount += 1
    var parser = HTTPRequestParser(limits: roomy)
    do {
        guard case .request(let again) = try parser.feed(request.serialized()) else {
            invariant(false, "serialized request is incomplete")
            return
        }
        invariant(!parser.hasPartialRequest, "serialized request left bytes behind")
        var expected = request
        expected.headers.remove("content-length")
        expected.headers.remove("transfer-encoding")
        var actual = again
        actual.headers.remove("content-length")
        invariant(actual == expected, "round trip changed the request")
    } catch {
        invariant(false, "serialized request refused: \(error)")
    }
}

func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

/// Drops SP and HTAB at both ends, byte-wise like the parser (Character
/// comparison would treat a space plus a combining mark as one character).
func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    var slice = bytes[...]
    while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
    while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
    return slice
}
