import NavetCore

/// Which reply a replica applies (Protocol/BUNDLE.md, "Which reply a replica applies"):
/// only the answer to its latest upload, and only once. A reply is stale when it answers
/// an earlier upload (replayed, reordered, or from before a purge it would undo).
extension Meta {
    /// The id of the latest upload this file made (the first 8 bytes of its nonce, top bit
    /// cleared).
    static let lastUpload = "last_upload"
    /// The id of the upload whose reply was applied last.
    static let answeredUpload = "answered_upload"
}

/// How a reply stands against the uploads of the replica it is for.
public enum ReplyStanding: Sendable, Equatable {
    /// It answers the latest upload, which has not been answered yet: apply it.
    case latest
    /// It answers the latest upload, whose reply was applied already (the same reply
    /// imported again, or a second answer to the same upload file).
    case alreadyAnswered
    /// It answers an upload older than the latest one, or this file has made no upload
    /// (a restored file, or a reply carried to the wrong copy).
    case stale
}

extension ReplicaStore {
    /// Records that this file made an upload with this id; from now on only its answer is
    /// applied.
    public func noteUpload(_ id: UInt64) throws(StoreError) {
        try StoreError.wrap { try meta.set(Meta.lastUpload, .integer(Int64(bitPattern: id))) }
    }

    /// The id of the latest upload made (nil before the first).
    public func lastUpload() throws(StoreError) -> UInt64? {
        try StoreError.wrap { try meta.int(Meta.lastUpload).map { UInt64(bitPattern: $0) } }
    }

    /// How a reply that answers the upload `answering` stands (see `ReplyStanding`).
    public func standing(ofReplyAnswering answering: UInt64) throws(StoreError) -> ReplyStanding {
        try StoreError.wrap {
            guard let latest = try meta.int(Meta.lastUpload).map({ UInt64(bitPattern: $0) }), latest == answering else {
                return .stale
            }
            let answered = try meta.int(Meta.answeredUpload).map { UInt64(bitPattern: $0) }
            return answered == latest ? .alreadyAnswered : .latest
        }
    }

    /// Marks the upload `answering` as answered. Runs inside `applyReply`'s transaction.
    func noteAnswered(_ answering: UInt64) throws {
        try meta.set(Meta.answeredUpload, .integer(Int64(bitPattern: answering)))
    }
}
