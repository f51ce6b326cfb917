import NavetTestSupport
import Testing

/// The crash campaign's short form: 30 seeded runs of real navet and navetd processes
/// killed with SIGKILL at random moments (`Tools/crash` runs any number).
@Suite struct CrashTests {
    @Test(arguments: 0..<30)
    func killedProcessesLoseNothing(_ index: Int) throws {
        let seed = 0x4352_4153_4800_0000 as UInt64 &+ UInt64(index)
        let report = try CrashCampaign(seed: seed).run()
        #expect(report.failures.isEmpty, "seed \(seed) (replay: navet-crash --runs 1 --seed \(seed)): \(report.failures)")
    }
}
