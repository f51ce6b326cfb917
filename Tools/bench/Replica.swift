// `--replica N --out FILE`: a replica file holding N children, for the CLI benchmarks on a
// large replica (issue 13: the cost of read auditing on `navet child show`; issue 15: the
// CLI at scale).
//
//   swift run -c release navet-bench --replica 100000 --out /tmp/r.db
//
// Made with the real `ReplicaStore.create` and `createRecord` (so every child has its
// changes, cells and the layout's indexes), with relaxed durability while it is built. The
// children have a name, birth date, languages, arrival date and municipality, and an
// asylum status; not enrolled, no users yet (the first `navet` command adds the login).
import Foundation
import NavetCore
import NavetStore

enum ReplicaBench {
    static func main(_ arguments: [String]) throws {
        var children = 100_000
        var out: String?
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--replica":
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else { Options.fail("--replica needs a positive number") }
                children = value
            case "--out": out = rest.popFirst()
            default: Options.fail("unknown argument \(flag) with --replica")
            }
        }
        guard let out else { Options.fail("--replica needs --out FILE") }
        guard !FileManager.default.fileExists(atPath: out) else { Options.fail("\(out) exists; give a new file") }
        let started = ContinuousClock.now
        let now: Int64 = 1_796_000_000_000  // 2026-11-30
        let store = try ReplicaStore.create(path: out, now: now)
        var rng = SplitMix64(seed: 0x100_000C)
        let first = ["Amina", "Bilal", "Dawit", "Farah", "Hamid", "Jamal", "Leyla", "Omid", "Sara", "Yonas", "Åsa", "Ömer"]
        let last = ["Rahimi", "Ahmadi", "Tesfaye", "Hosseini", "Mohammadi", "Yusuf", "Karimi", "Haile", "Nazari", "Osman"]
        let municipalities = ["Strömsund", "Umeå", "Östersund", "Örebro", "Malmö", "Göteborg", "Stockholm", "Luleå"]
        let statuses = ["pending", "granted", "rejected", "appealed"]
        try store.withRelaxedDurability {
            for index in 0..<children {
                func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
                let year = 2008 + Int(rng.next() % 9), month = 1 + Int(rng.next() % 12), day = 1 + Int(rng.next() % 28)
                let birth = String(format: "%04d-%02d-%02d", year, month, day)
                let arrival = String(format: "2025-%02d-%02d", 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
                _ = try store.createRecord(type: "child", values: [
                    "name": .text("\(pick(first)) \(pick(last)) \(index)"), "birth_date": .text(birth),
                    "languages": .text("dari"), "arrival_date": .text(arrival),
                    "assigned_municipality": .text(pick(municipalities)), "asylum_status": .text(pick(statuses)),
                ], now: now + Int64(index))
                if (index + 1) % 10_000 == 0 { progress("  \(grouped(index + 1)) children") }
            }
        }
        progress("replica: \(grouped(children)) children in \(out), "
                 + "\(fixed(seconds(ContinuousClock.now - started), 1)) s")
    }
}
