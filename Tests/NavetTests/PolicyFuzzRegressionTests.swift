import Foundation
import NavetCore
import NavetPolicy
import Testing

/// Every seed of the libFuzzer harness Tools/fuzz/policy, and every input it once failed
/// on, replayed under `swift test`: the parser never traps, `valid-*` seeds are accepted
/// and keep the format's promises, `bad-*` seeds are refused with a place inside them.
@Suite struct PolicyFuzzRegressionTests {
    static let corpus = FuzzCorpusFile.corpus("policy")

    @Test func corpusIsPresent() {
        #expect(Self.corpus.count >= 10)
    }

    @Test(arguments: corpus)
    func policyInput(_ file: FuzzCorpusFile) throws {
        let bytes = try file.bytes()
        do throws(PolicyError) {
            let policy = try PolicyFile.parse(bytes)
            #expect(!file.name.hasPrefix("bad-"), "a bad seed was accepted")
            #expect(Set(policy.rules.map(\.id)).count == policy.rules.count)
            for rule in policy.rules {
                #expect(rule.write.isSubset(of: rule.read) && !rule.read.contains(.internal))
            }
            #expect(Set(policy.why.keys) == Set(AccessPolicy.whyKeys))
        } catch {
            #expect(!file.name.hasPrefix("valid-"), "a valid seed was refused: \(error)")
            let lines = bytes.filter { $0 == 0x0A }.count + 1
            #expect((1...lines).contains(error.position.line) && error.position.column >= 1)
        }
    }
}
