import CFloor
import Foundation

/// The durable limits (Tools/bench/README.md, "The durable limits"): how fast SQLite, from
/// C, keeps W1's changes durably when it does nothing else. A row per change holding the
/// change's bytes (no index but the row id, no cells), and one row per upload holding all
/// its changes (a log of uploads). Same pragmas and one transaction per upload, as the
/// merge. What they take is what any design that keeps each change as a row, or each
/// upload as a blob, pays before it merges anything.
enum DurableLimits {
    /// One timed run of a limit in a fresh file; creating the file is not timed.
    static func run(_ input: CFloorInput, perUpload: Bool) throws -> Run {
        let folder = try ScratchFolder("navet-bench-limit")
        defer { folder.remove() }
        var result = Run()
        var error = [CChar](repeating: 0, count: 512)
        guard let floor = cfloor_create_bare(folder.file("bare.db"), &error, Int32(error.count)) else {
            fatalError("durable limit: \(text(error))")
        }
        let clock = ContinuousClock()
        let cpu = NeedToKnowBench.Usage.now().cpu
        let start = clock.now
        let status = input.counts.withUnsafeBufferPointer { counts in
            cfloor_run_bare(floor, perUpload ? 1 : 0, input.changes.baseAddress, counts.baseAddress, Int64(counts.count),
                            &error, Int32(error.count))
        }
        result.total = seconds(clock.now - start)
        result.cpu = NeedToKnowBench.Usage.now().cpu - cpu
        guard status == 0 else { fatalError("durable limit: \(text(error))") }
        let expected = perUpload ? Int64(input.counts.count) : input.counts.reduce(0, +)
        guard cfloor_bare_rows(floor) == expected else { fatalError("the durable limit holds the wrong number of rows") }
        cfloor_close(floor)
        result.diskBytes = folder.databaseBytes("bare.db")
        return result
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
