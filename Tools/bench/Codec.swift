import Dispatch
import NavetCore
import NavetWire

/// `--codec`: W1's upload bundles encoded and decoded in bundle format versions 3 and 4,
/// alternating within each run, so the cost of version 4's columns is measured side by
/// side (Tools/bench/README.md, "Bytes per change, second round (issue 15)"). Both versions
/// are written the way `BundleCodec` writes them now (`Z_FILTERED`), so the bytes of
/// version 3 here are not those of the release before version 4.
enum CodecBench {
    static func run(_ generated: [(replica: ReplicaID, changes: [Change])], secrets: [ReplicaID: [UInt8]],
                    nonces: [[UInt8]], runs: Int, total: Int) throws {
        let uploads = zip(generated, nonces).map { upload, nonce in
            let (replica, changes) = upload
            let createdAt = changes.last?.wallTime ?? 0
            return (Bundle(kind: .upload, schemaVersion: Schema.current.version, sender: replica, recipient: nil,
                           createdAt: createdAt, cursor: 0, changes: changes),
                    BundleSigner(keyID: replica, secret: secrets[replica]!, timestamp: createdAt, nonce: nonce))
        }
        var encodeTimes: [UInt16: [Double]] = [3: [], 4: []]
        var decodeTimes: [UInt16: [Double]] = [3: [], 4: []]
        var bytes: [UInt16: Int] = [:]
        for run in 0..<runs {
            for version: UInt16 in run % 2 == 0 ? [3, 4] : [4, 3] {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let files = uploads.map { BundleCodec.encode($0.0, signer: $0.1, version: version) }
                let t1 = DispatchTime.now().uptimeNanoseconds
                var decoded = 0
                for file in files { decoded += try BundleCodec.decode(file).bundle.changes.count }
                let t2 = DispatchTime.now().uptimeNanoseconds
                precondition(decoded == total, "a decoded upload lost changes")
                encodeTimes[version]!.append(Double(t1 - t0) / 1e9)
                decodeTimes[version]!.append(Double(t2 - t1) / 1e9)
                bytes[version] = files.reduce(0) { $0 + $1.count }
                progress("navet-bench: codec run \(run + 1)/\(runs), version \(version): encode "
                         + "\(fixed(Double(t1 - t0) / 1e9, 3)) s, decode \(fixed(Double(t2 - t1) / 1e9, 3)) s")
            }
        }
        for version: UInt16 in [3, 4] {
            let encode = encodeTimes[version]!.sorted()[runs / 2]
            let decode = decodeTimes[version]!.sorted()[runs / 2]
            print("version \(version): \(fixed(Double(bytes[version]!) / Double(total), 2)) bytes/change; median encode "
                  + "\(fixed(encode * 1e6 / Double(total), 3)) µs/change, decode \(fixed(decode * 1e6 / Double(total), 3)) µs/change"
                  + " (runs, s: encode \(encodeTimes[version]!.map { fixed($0, 3) }.joined(separator: ", ")); decode "
                  + "\(decodeTimes[version]!.map { fixed($0, 3) }.joined(separator: ", ")))")
        }
    }
}
