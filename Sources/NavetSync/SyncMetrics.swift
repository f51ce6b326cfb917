import Foundation

/// Counters and a latency histogram for `GET /metrics`, in Prometheus text format 0.0.4.
/// Thread-safe; the values only grow.
public final class SyncMetrics: @unchecked Sendable {
    public final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: Int] = [:]

        public func add(_ amount: Int, label: String = "") {
            lock.lock(); defer { lock.unlock() }
            values[label, default: 0] += amount
        }

        public func value(label: String = "") -> Int {
            lock.lock(); defer { lock.unlock() }
            return values[label] ?? 0
        }

        var snapshot: [String: Int] {
            lock.lock(); defer { lock.unlock() }
            return values
        }
    }

    public final class Histogram: @unchecked Sendable {
        public let bounds: [Double]
        private let lock = NSLock()
        private var counts: [Int]
        private var sum = 0.0
        private var count = 0

        init(bounds: [Double]) {
            self.bounds = bounds
            counts = Array(repeating: 0, count: bounds.count)
        }

        public func observe(_ value: Double) {
            lock.lock(); defer { lock.unlock() }
            for (index, bound) in bounds.enumerated() where value <= bound { counts[index] += 1 }
            sum += value
            count += 1
        }

        var snapshot: (counts: [Int], sum: Double, count: Int) {
            lock.lock(); defer { lock.unlock() }
            return (counts, sum, count)
        }
    }

    public let syncs = Counter()
    public let changesMerged = Counter()
    public let bytesIn = Counter()
    public let bytesOut = Counter()
    public let refusals = Counter()
    /// Need to know: changes a write check refused, changes sent because access widened,
    /// and redactions sent (resent ones counted again).
    public let changesRefused = Counter()
    public let changesBackfilled = Counter()
    public let redactionsSent = Counter()
    /// Read log: entries stored from uploads, and breaks found (each piece of evidence once).
    public let readLogEntries = Counter()
    public let readLogBreaks = Counter()
    public let latency = Histogram(bounds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])

    public init() {}

    /// The exposition text. Extra gauges (e.g. from the store) are appended by the caller.
    public func render(extra: [(name: String, help: String, value: Double)] = []) -> String {
        var lines: [String] = []
        func counter(_ name: String, _ help: String, _ value: Int) {
            lines += ["# HELP \(name) \(help)", "# TYPE \(name) counter", "\(name) \(value)"]
        }
        counter("navet_syncs_total", "Sync round trips completed.", syncs.value())
        counter("navet_changes_merged_total", "New changes merged into the central store.", changesMerged.value())
        counter("navet_bytes_in_total", "Bundle bytes received.", bytesIn.value())
        counter("navet_bytes_out_total", "Bundle bytes sent.", bytesOut.value())
        counter("navet_changes_refused_total", "Changes refused one by one by a write check.", changesRefused.value())
        counter("navet_changes_backfilled_total", "Changes sent because access widened.", changesBackfilled.value())
        counter("navet_redactions_sent_total", "Redactions sent in replies (each resend counted).", redactionsSent.value())
        counter("navet_read_log_entries_total", "Read-log entries stored from uploads.", readLogEntries.value())
        counter("navet_read_log_breaks_total", "Read-log breaks found in uploads since the server started.", readLogBreaks.value())
        lines += ["# HELP navet_refusals_total Requests and bundles refused, by reason.", "# TYPE navet_refusals_total counter"]
        let refused = refusals.snapshot
        for reason in RefusalReason.allCases {
            lines.append("navet_refusals_total{reason=\"\(reason.rawValue)\"} \(refused[reason.rawValue] ?? 0)")
        }
        let histogram = latency.snapshot
        lines += ["# HELP navet_sync_duration_seconds Time to verify, merge and answer one sync round trip.",
                  "# TYPE navet_sync_duration_seconds histogram"]
        for (bound, count) in zip(latency.bounds, histogram.counts) {
            lines.append("navet_sync_duration_seconds_bucket{le=\"\(bound)\"} \(count)")
        }
        lines.append("navet_sync_duration_seconds_bucket{le=\"+Inf\"} \(histogram.count)")
        lines.append("navet_sync_duration_seconds_sum \(histogram.sum)")
        lines.append("navet_sync_duration_seconds_count \(histogram.count)")
        for gauge in extra {
            lines += ["# HELP \(gauge.name) \(gauge.help)", "# TYPE \(gauge.name) gauge", "\(gauge.name) \(gauge.value)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
