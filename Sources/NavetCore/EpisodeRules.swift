/// When a missing-child episode counts as open.
///
/// Under the method (source 003, "På flykt och försvunnen") an episode ends with the
/// follow-up (phase 3), and an episode reported by mistake may be withdrawn only before
/// anyone acted on it. Two replicas can disagree offline: one withdraws the report while
/// another records that the police were told, or that the child was found. Whichever
/// reaches the central store first, the same rule decides, so every replica and the
/// central store agree once they hold the same values: a withdrawal does not close an
/// episode the police were told of, or in which the child was found. Such an episode
/// stays open, and keeps the police's access under the missing rule, until its follow-up;
/// the withdrawal is *contested* and raised as an alert (`withdrawal_contested`).
///
/// Each argument says whether the field has a value (`missing.closed_at`,
/// `missing.follow_up_at`, `missing.police_notified_at`, `missing.found_at`). A replica
/// that does not read the follow-up's fields (the police, under the missing rule) is
/// never sent an episode after its follow-up: the central store ends its access then.
public enum EpisodeRules {
    /// True while the episode is open: never closed, or closed by a contested withdrawal.
    public static func isOpen(closed: Bool, followedUp: Bool, policeNotified: Bool, found: Bool) -> Bool {
        !closed || withdrawalContested(closed: closed, followedUp: followedUp, policeNotified: policeNotified, found: found)
    }

    /// True when the episode was closed without a follow-up although the police were told
    /// or the child was found: a withdrawal made without knowing of either.
    public static func withdrawalContested(closed: Bool, followedUp: Bool, policeNotified: Bool, found: Bool) -> Bool {
        closed && !followedUp && (policeNotified || found)
    }
}
