/// The bounds the parser and the server hold every request and connection to.
///
/// Every input an outside client controls has a limit here, so that one client
/// cannot make the server hold unbounded memory or a thread forever. The
/// defaults suit `navetd` behind a reverse proxy; tests pass small values. `navetd serve`
/// sets its own time limits from its options (`--head-timeout` 10 s and
/// `--request-timeout` 60 s by default).
///
/// Which status each limit produces:
/// - request line over `maxRequestLineLength` → 414 URI Too Long;
/// - header section over `maxHeaderBytes` or `maxHeaderCount` → 431;
/// - body (declared or chunked) over `maxBodyBytes` → 413;
/// - chunk-size line over `maxChunkLineLength` → 400;
/// - a started request whose head is not complete within `headTimeout` → 408 and close;
/// - a started request not complete within `requestTimeout` → 408 and close;
/// - no byte of a next request within `idleTimeout` → silent close;
/// - more than `maxConnections` open connections → 503 and close.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line accepted, in bytes, not counting its CRLF.
    ///
    /// Empty lines before the request line (RFC 9112 §2.2 lets a server skip
    /// them) count against this budget too, two bytes each.
    public var maxRequestLineLength: Int
    /// Largest header section accepted, in bytes, counting every field line
    /// with its CRLF and the final empty line. Chunked trailers share this
    /// budget with the headers.
    public var maxHeaderBytes: Int
    /// Most header field lines accepted (trailer lines count too).
    public var maxHeaderCount: Int
    /// Largest request body accepted, in bytes, after removing chunked framing.
    public var maxBodyBytes: Int
    /// Longest chunk-size line accepted (size, extensions, not its CRLF).
    /// Extensions are ignored, so there is no reason to allow many of them.
    public var maxChunkLineLength: Int
    /// Time from the first byte of a request to its last byte; a client that
    /// trickles a request slower than this (slow loris) is cut off with 408.
    /// The same bound applies to writing each response.
    ///
    /// It covers the body too: a 64 MiB upload must arrive at more than
    /// 2 MiB/s under the default. That holds behind a reverse proxy that
    /// buffers request bodies (nginx does by default) and sends them over
    /// loopback; a server exposed directly to slow links needs a larger value.
    public var requestTimeout: Duration
    /// Time from the first byte of a request to the end of its head (request line and
    /// header fields), at most `requestTimeout`. Short, so that connections trickling a
    /// head (slow loris) are cut off long before they could hold every connection slot
    /// for a whole `requestTimeout`; a real client sends its head in one go.
    public var headTimeout: Duration
    /// Time a kept-alive connection may wait for the first byte of its next
    /// request (or a new connection for its first) before it is closed.
    public var idleTimeout: Duration
    /// Most connections served at once; the next one gets 503 and is closed.
    public var maxConnections: Int

    /// Creates limits; every argument has the production default.
    public init(
        maxRequestLineLength: Int = 8 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 64 * 1024 * 1024,
        maxChunkLineLength: Int = 1024,
        requestTimeout: Duration = .seconds(30),
        headTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(15),
        maxConnections: Int = 256
    ) {
        precondition(maxRequestLineLength > 0 && maxHeaderBytes > 0 && maxHeaderCount >= 0)
        precondition(maxBodyBytes >= 0 && maxChunkLineLength > 0 && maxConnections > 0)
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineLength = maxChunkLineLength
        self.requestTimeout = requestTimeout
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
