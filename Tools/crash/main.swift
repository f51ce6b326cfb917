// navet-crash: the crash campaign. Real navet and navetd processes are killed with
// SIGKILL at random moments; afterwards every file must pass PRAGMA integrity_check, no
// completed edit may be lost or duplicated, and all replicas must agree with the server.
//
//   swift build && .build/debug/navet-crash --runs 500 [--seed N]
//
// A failing run prints its seed; `--runs 1 --seed SEED` replays it.

import Foundation
import NavetTestSupport

var runs = 30
var seed: UInt64 = 0x4352_4153_4800_0000
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    switch flag {
    case "--runs": runs = Int(arguments.isEmpty ? "" : arguments.removeFirst()) ?? -1
    case "--seed": seed = UInt64(arguments.isEmpty ? "" : arguments.removeFirst()) ?? 0
    case "-h", "--help":
        print("usage: navet-crash [--runs N] [--seed N]")
        exit(0)
    default:
        FileHandle.standardError.write(Data("navet-crash: unknown argument \(flag)\n".utf8))
        exit(2)
    }
}
guard runs > 0 else {
    FileHandle.standardError.write(Data("navet-crash: --runs needs a positive number\n".utf8))
    exit(2)
}

var kills = 0
var commands = 0
var failed: [UInt64] = []
let started = Date()
for index in 0..<runs {
    let runSeed = seed &+ UInt64(index)
    do {
        let report = try CrashCampaign(seed: runSeed).run()
        kills += report.kills
        commands += report.commands
        if !report.failures.isEmpty {
            failed.append(runSeed)
            print("run \(index + 1), seed \(runSeed): FAILED")
            for failure in report.failures { print("  \(failure)") }
        }
    } catch {
        failed.append(runSeed)
        print("run \(index + 1), seed \(runSeed): error \(error)")
    }
    if (index + 1) % 10 == 0 {
        FileHandle.standardError.write(Data("navet-crash: \(index + 1)/\(runs) runs, \(kills) kills, \(failed.count) failed\n".utf8))
    }
}
print("navet-crash: \(runs) runs, \(commands) commands, \(kills) SIGKILLs, \(failed.count) failed runs, "
      + String(format: "%.0f s", Date().timeIntervalSince(started)))
exit(failed.isEmpty ? 0 : 1)
