import CZlib

/// Whole-buffer zlib (RFC 1950) compression for the bundle payload.
///
/// This is the only file that imports `CZlib`. The `deflateInit` / `inflateInit` macros
/// are not visible to Swift, so they are re-created here over the functions they expand
/// to (`deflateInit_`, `inflateInit_`), passing the header's version and `z_stream` size
/// exactly as the macros do, so a mismatched libz is refused at init rather than misread.
enum Zlib {
    /// The shortest section that gets a deflate block of its own (see `compress`).
    /// Measured: 64–256 all recover the column gain on 1,000-change bundles; 256 keeps
    /// bundles of a few changes at the size of a single block.
    static let minimumBlockBytes = 256

    /// zlib's match strategy, an encoder choice invisible to readers. `filtered` (Z_FILTERED)
    /// prefers literals to short matches, which pays on the bundle's columns of random
    /// digits and base64-like texts (BUNDLE.md, "Why this layout").
    enum Strategy {
        case `default`, filtered

        var zlibValue: Int32 { self == .filtered ? Z_FILTERED : Z_DEFAULT_STRATEGY }
    }

    /// The outcome of inflating a payload whose length the header declares.
    enum InflateOutcome: Equatable {
        case inflated([UInt8])
        /// The stream is damaged, incomplete, needs a dictionary, or has bytes after its end.
        case corrupt
        /// The stream is intact but inflates to more or fewer bytes than declared.
        case wrongLength
    }

    /// Compresses `input` into one complete zlib stream at `level` (0–9).
    ///
    /// `blockEnds` are offsets where a deflate block should end (Z_BLOCK), so the data
    /// after them gets its own Huffman codes. The result is one ordinary zlib stream
    /// either way; the hints only make it smaller when the sections differ in statistics.
    ///
    /// Precondition: `input` is at most `UInt32.max` bytes (the bundle limits are far
    /// below that). zlib only fails here on memory exhaustion, which is fatal anyway.
    static func compress(_ input: [UInt8], level: Int32, strategy: Strategy = .filtered, blockEnds: [Int] = []) -> [UInt8] {
        precondition(input.count <= Int(UInt32.max), "zlib input too large")
        let stream = Deflater(level: level, strategy: strategy)
        return stream.compress(input, blockEnds: blockEnds)
    }

    /// Inflates `input` (the bytes `range` of it), expecting exactly `expectedLength` bytes
    /// of output.
    ///
    /// Allocates `expectedLength + 1` bytes, so the caller must have checked
    /// `expectedLength` against its limits. The extra byte is how "inflates to more than
    /// declared" is noticed without inflating the rest of a possible bomb.
    static func inflate(_ input: [UInt8], range: Range<Int>, expectedLength: Int) -> InflateOutcome {
        precondition(range.count <= Int(UInt32.max) && expectedLength < Int(UInt32.max), "zlib sizes too large")
        guard let stream = Inflater() else { return .corrupt }
        return stream.inflate(input, range: range, expectedLength: expectedLength)
    }
}

/// Owns a `z_stream` set up for deflate.
///
/// The stream lives at a fixed heap address because zlib keeps a back-pointer to it and
/// refuses to work (`Z_STREAM_ERROR`) if it moves, which a Swift stored property may do.
private final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>

    init(level: Int32, strategy: Zlib.Strategy) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // deflateInit2 with zlib's defaults (deflate, a 32 KiB window with a zlib header,
        // memLevel 8) but the strategy; deflateInit is deflateInit2 with Z_DEFAULT_STRATEGY.
        let status = deflateInit2_(stream, level, Z_DEFLATED, MAX_WBITS, 8, strategy.zlibValue,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit failed with status \(status)")
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func compress(_ input: [UInt8], blockEnds: [Int]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(Int(deflateBound(stream, uLong(input.count))))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        // A block costs its code tables (tens of bytes), so sections shorter than
        // `minimumBlockBytes` are merged with the next rather than given their own.
        var segments = [(end: Int, flush: Int32)]()
        var blockStart = 0
        for end in blockEnds where end - blockStart >= Zlib.minimumBlockBytes && end < input.count {
            segments.append((end: end, flush: Z_BLOCK))
            blockStart = end
        }
        segments.append((end: input.count, flush: Z_FINISH))
        input.withUnsafeBufferPointer { source in
            var start = 0
            for segment in segments where segment.end > start || segment.flush == Z_FINISH {
                // zlib never writes through next_in; the pointer is only non-const because
                // the headers are built without Z_CONST.
                stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + start })
                stream.pointee.avail_in = uInt(segment.end - start)
                // The documented loop: call again while the output space was used up
                // (flush) or until the stream end is written (finish).
                while true {
                    let (status, produced, outputFull) = chunk.withUnsafeMutableBufferPointer { target in
                        stream.pointee.next_out = target.baseAddress
                        stream.pointee.avail_out = uInt(target.count)
                        let status = deflate(stream, segment.flush)
                        let left = Int(stream.pointee.avail_out)
                        stream.pointee.next_out = nil
                        return (status, target.count - left, left == 0)
                    }
                    // Z_BUF_ERROR only means "nothing more to do" for a repeated flush.
                    precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "deflate failed: \(status)")
                    output.append(contentsOf: chunk[0..<produced])
                    if segment.flush == Z_FINISH ? status == Z_STREAM_END : !outputFull { break }
                }
                start = segment.end
            }
            stream.pointee.next_in = nil
        }
        return output
    }
}

/// Owns a `z_stream` set up for inflate.
private final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>

    init?() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit_(stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            return nil
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func inflate(_ input: [UInt8], range: Range<Int>, expectedLength: Int) -> Zlib.InflateOutcome {
        guard !range.isEmpty else { return .corrupt }
        let capacity = expectedLength + 1
        var output = [UInt8](repeating: 0, count: capacity)
        let result: (ended: Bool, inputLeft: Int, produced: Int) = input.withUnsafeBufferPointer { whole in
            output.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: whole.baseAddress! + range.lowerBound)
                stream.pointee.avail_in = uInt(range.count)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = uInt(target.count)
                var ended = false
                // Each Z_OK means progress was made; zlib answers Z_BUF_ERROR when none is
                // possible (input used up mid-stream, or output full), so this terminates.
                loop: while true {
                    switch CZlib.inflate(stream, Z_NO_FLUSH) {
                    case Z_OK:
                        if stream.pointee.avail_out == 0 { break loop }
                    case Z_STREAM_END:
                        ended = true
                        break loop
                    default:
                        // Z_BUF_ERROR, Z_DATA_ERROR (including a bad Adler-32),
                        // Z_NEED_DICT, Z_MEM_ERROR, Z_STREAM_ERROR.
                        break loop
                    }
                }
                let produced = target.count - Int(stream.pointee.avail_out)
                let inputLeft = Int(stream.pointee.avail_in)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
                return (ended, inputLeft, produced)
            }
        }
        // Filling the spare byte means the stream holds more than declared, whether or not
        // it ended there.
        if result.produced > expectedLength { return .wrongLength }
        guard result.ended else { return .corrupt }
        guard result.inputLeft == 0 else { return .corrupt }
        guard result.produced == expectedLength else { return .wrongLength }
        output.removeLast()
        return .inflated(output)
    }
}
