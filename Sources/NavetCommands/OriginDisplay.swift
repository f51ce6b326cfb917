import Foundation
import NavetCore
import NavetStore

/// Names the origin of a change for people: the organisation that recorded it, from the
/// replica's directory (`Protocol/BUNDLE.md`, "Directory"), instead of a replica id. The
/// replica id shows only with `--verbose` and in `--json`.
struct OriginDisplay {
    let names: [ReplicaID: OriginName]
    let own: ReplicaID
    let strings: Strings
    let verbose: Bool

    /// Reads the directory of `store`. A replica whose directory cannot be read still shows
    /// its changes, with every origin as unknown.
    init(store: ReplicaStore, strings: Strings, verbose: Bool) {
        names = (try? store.originNames()) ?? [:]
        own = store.replicaID
        self.strings = strings
        self.verbose = verbose
    }

    /// "Socialtjänsten Umeå", "this replica" for the replica's own changes when it knows no
    /// name for itself, or "unknown organisation (id …)"; with `verbose`, the id after the name.
    func text(_ origin: ReplicaID) -> String {
        let name: String
        if let known = names[origin] {
            name = SyncStrings.visible(known.organisation, limit: 200)
        } else if origin == own {
            name = strings.t("origin.thisReplica")
        } else {
            return strings.t("origin.unknown", origin.description)
        }
        return verbose ? "\(name) (\(origin.description))" : name
    }

    /// The organisation fields for `--json`: the name (or null) and its kind code (or null).
    func json(_ origin: ReplicaID) -> [String: Any] {
        let known = names[origin]
        return ["organisation": known?.organisation ?? NSNull(), "organisation_kind": known?.kind ?? NSNull()]
    }

    /// `object` with the organisation fields of `origin` added.
    func adding(_ origin: ReplicaID, to object: [String: Any]) -> [String: Any] {
        object.merging(json(origin)) { _, new in new }
    }
}
