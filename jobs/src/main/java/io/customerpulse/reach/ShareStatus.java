package io.customerpulse.reach;

/** What the share carried by an event turned out to be. */
public enum ShareStatus {
    /** The event carries no share_id. */
    NONE,
    /** A share event whose share_id this user owns (first claim or re-share). */
    OWN_SHARE,
    /** A click or purchase through another user's share. */
    TOUCH,
    /** A click or purchase through the user's own share: ignored for word of mouth. */
    SELF_TOUCH,
    /** The share_id never appeared in a share event within the wait: the event is organic. */
    UNKNOWN_SHARE,
    /** Not known yet: the share event may still arrive. The user's timeline waits for the verdict. */
    PENDING,
    /**
     * A share event claiming a share_id another user owns: dead-lettered as a conflict and not a
     * share of this user's, but still their event (as their first, it makes them organic). Last,
     * so that the codes of the others stay what savepoints hold.
     */
    CONFLICTING_SHARE
}
