import CFloor
import NavetCore

/// W1's decoded changes in the C floor's flat form (`Tools/cfloor/include/cfloor.h`), built
/// once before the runs and not timed: one `cfloor_change` per change, its texts (value,
/// `replaces` in the store's text form, and the interned record type, field and tag) in
/// one arena of bytes that lives as long as the input. The C floor binds them with
/// `SQLITE_STATIC`, so a timed run converts and copies nothing.
final class CFloorInput {
    let changes: UnsafeMutableBufferPointer<cfloor_change>
    let counts: [Int64]
    private let arena: UnsafeMutableRawBufferPointer

    init(_ uploads: [[Change]]) {
        var bytes: [UInt8] = []
        var interned: [String: (offset: Int, length: Int)] = [:]
        func append(_ text: String) -> (offset: Int, length: Int) {
            let offset = bytes.count
            bytes.append(contentsOf: text.utf8)
            return (offset, bytes.count - offset)
        }
        func intern(_ text: String) -> (offset: Int, length: Int) {
            if let known = interned[text] { return known }
            let place = append(text)
            interned[text] = place
            return place
        }
        struct Texts {
            var replaces: (offset: Int, length: Int)?
            var recordType, field, tag: (offset: Int, length: Int)
            var value: (offset: Int, length: Int)?
        }
        var texts: [Texts] = []
        for changes in uploads {
            for change in changes {
                var value: (offset: Int, length: Int)?
                if case .text(let text) = change.value { value = append(text) }
                texts.append(Texts(
                    replaces: change.replaces.isEmpty ? nil : append(Floor.replacesText(change.replaces)),
                    recordType: intern(change.recordType), field: intern(change.field), tag: intern(change.tag.rawValue),
                    value: value))
            }
        }
        arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        arena.copyBytes(from: bytes)
        let base = UnsafeRawPointer(arena.baseAddress!).assumingMemoryBound(to: CChar.self)
        changes = UnsafeMutableBufferPointer<cfloor_change>.allocate(capacity: max(texts.count, 1))
        var index = 0
        for upload in uploads {
            for change in upload {
                let text = texts[index]
                var flat = cfloor_change()
                flat.origin = change.origin.int64
                flat.seq = Int64(change.seq)
                flat.version = Int64(change.version)
                flat.wall_time = change.wallTime
                flat.record_id = change.recordID.int64
                if let replaces = text.replaces {
                    flat.replaces = base + replaces.offset
                    flat.replaces_length = Int32(replaces.length)
                }
                flat.record_type = base + text.recordType.offset
                flat.record_type_length = Int32(text.recordType.length)
                flat.field = base + text.field.offset
                flat.field_length = Int32(text.field.length)
                flat.tag = base + text.tag.offset
                flat.tag_length = Int32(text.tag.length)
                switch change.value {
                case .null:
                    flat.value_kind = 0
                case .text:
                    flat.value_kind = 1
                    flat.value_text = base + text.value!.offset
                    flat.value_text_length = Int32(text.value!.length)
                case .int(let number):
                    flat.value_kind = 2
                    flat.value_int = number
                case .bool(let flag):
                    flat.value_kind = 3
                    flat.value_int = flag ? 1 : 0
                }
                changes[index] = flat
                index += 1
            }
        }
        counts = uploads.map { Int64($0.count) }
    }

    deinit {
        changes.deallocate()
        arena.deallocate()
    }
}

/// The C floor over the flat changes, in a fresh file. Timed: `cfloor_run` alone (it
/// prepares its statements, as `Floor.run` does); creating the file is not timed.
func runCFloor(_ input: CFloorInput, expected: Int, cells: Int) throws -> Run {
    let folder = try ScratchFolder("navet-bench-cfloor")
    defer { folder.remove() }
    var result = Run()
    var error = [CChar](repeating: 0, count: 512)
    guard let floor = cfloor_create(folder.file("raw.db"), &error, Int32(error.count)) else {
        fatalError("C floor: \(message(error))")
    }
    let clock = ContinuousClock()
    let cpu = NeedToKnowBench.Usage.now().cpu
    let start = clock.now
    let status = input.counts.withUnsafeBufferPointer { counts in
        cfloor_run(floor, input.changes.baseAddress, counts.baseAddress, Int64(counts.count), now, &error, Int32(error.count))
    }
    result.total = seconds(clock.now - start)
    result.cpu = NeedToKnowBench.Usage.now().cpu - cpu
    result.store = result.total
    guard status == 0 else { fatalError("C floor: \(message(error))") }
    // Not timed: the rows are all there.
    guard cfloor_count(floor, 0) == expected, cfloor_count(floor, 1) == cells else {
        fatalError("the C floor holds the wrong number of rows")
    }
    cfloor_close(floor)
    result.diskBytes = folder.databaseBytes("raw.db")
    return result
}

/// The C floor's NUL-terminated message.
private func message(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
