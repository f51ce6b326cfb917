import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Signal sources that stop a server; the handling lasts as long as this
/// object lives (or until `cancel()`).
///
/// Not `Sendable`: keep it where the executable's `main` keeps its server.
public final class ShutdownSignals {
    private var sources: [DispatchSourceSignal]
    private let signals: [Int32]

    fileprivate init(sources: [DispatchSourceSignal], signals: [Int32]) {
        self.sources = sources
        self.signals = signals
    }

    /// Stops listening for the signals and restores their default action, so
    /// a later SIGTERM terminates the process again.
    public func cancel() {
        guard !sources.isEmpty else { return }
        for source in sources { source.cancel() }
        sources = []
        for number in signals { signal(number, SIG_DFL) }
    }

    deinit { cancel() }
}

extension HTTPServer {
    /// Makes SIGTERM and SIGINT (or `signals`) stop this server gracefully.
    ///
    /// The default action of each signal is replaced by `SIG_IGN` so the
    /// process is not killed, and a dispatch source on `queue` calls `stop()`
    /// (which blocks that queue while draining), then `afterStop` with the
    /// signal number. A second signal during the drain is ignored.
    ///
    /// Returns once every source is registered with the kernel (its registration handler
    /// ran, bounded by 5 s): a signal sent after the return is never lost. Before, a signal
    /// that arrived between `SIG_IGN` and the source's asynchronous registration was
    /// ignored, and a server told to stop kept running.
    ///
    /// Keep the returned object alive for as long as the handling should last.
    public func stopOnSignals(
        _ signals: [Int32] = [SIGTERM, SIGINT],
        queue: DispatchQueue = DispatchQueue(label: "navet.http.signals"),
        afterStop: (@Sendable (Int32) -> Void)? = nil
    ) -> ShutdownSignals {
        let registered = DispatchSemaphore(value: 0)
        let sources = signals.map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                self.stop()
                afterStop?(number)
            }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            return source
        }
        for _ in sources { _ = registered.wait(timeout: .now() + .seconds(5)) }
        return ShutdownSignals(sources: sources, signals: signals)
    }
}
