package io.customerpulse.reach;

import static io.customerpulse.testing.Times.DAY;
import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.testing.Events;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class ReferralTimelineTest {
    private final ReferralTimeline timeline = new ReferralTimeline(ReachSettings.defaults());
    private final ReferralState state = new ReferralState();
    private final Set<String> touchedBy = new HashSet<>();
    private final List<String> out = new ArrayList<>();

    private final ReferralTimeline.Output recorder = new ReferralTimeline.Output() {
        @Override
        public void acquisition(String user, String acquirer, int shareDay, String shareChannel, long at) {
            out.add("acquired " + user + " by " + acquirer + " via " + shareChannel);
        }

        @Override
        public void newReach(String sharer, long at) {
            out.add("reach " + sharer);
        }

        @Override
        public void attributedPurchase(String sharer, long valueMinor, long at) {
            out.add("attributed " + valueMinor + " to " + sharer);
        }

        @Override
        public void acquiredRevenue(String acquirer, long valueMinor, long at) {
            out.add("acquired revenue " + valueMinor + " to " + acquirer);
        }

        @Override
        public void share(String sharer, boolean newSharerOfDay, int day, String channel, long at) {
            out.add("share by " + sharer + (newSharerOfDay ? " (new sharer of " + channel + ")" : ""));
        }
    };

    private void apply(PulseEvent e, ShareStatus status, String owner) throws Exception {
        ReferralEvent r = ReferralEvent.of(e, status);
        r.shareOwner = owner;
        r.shareChannel = "qr";
        timeline.apply("u", state, r, touchedBy::add, recorder);
    }

    @Test
    void aFirstEventThroughAShareIsAnAcquisition() throws Exception {
        apply(Events.click("c1", "u", day(0)), ShareStatus.TOUCH, "alice");
        apply(Events.click("c2", "u", day(1)), ShareStatus.TOUCH, "alice");
        apply(Events.click("c3", "u", day(2)), ShareStatus.TOUCH, "bob");
        assertThat(out).containsExactly("acquired u by alice via qr", "reach alice", "reach bob");
    }

    @Test
    void aFirstEventWithoutAShareIsOrganicForever() throws Exception {
        apply(Events.click("c1", "u", day(0)), ShareStatus.NONE, null);
        apply(Events.click("c2", "u", day(1)), ShareStatus.TOUCH, "alice");
        apply(Events.purchase("p1", "u", day(2), 1000), ShareStatus.NONE, null);
        assertThat(out).containsExactly("reach alice", "attributed 1000 to alice");
        assertThat(state.acquirer).isNull();
    }

    @Test
    void unknownSharesAndSelfTouchesAreOrganic() throws Exception {
        apply(Events.click("c1", "u", day(0)), ShareStatus.UNKNOWN_SHARE, null);
        apply(Events.click("c2", "u", day(1)), ShareStatus.SELF_TOUCH, "u");
        apply(Events.purchase("p1", "u", day(1) + 1, 500), ShareStatus.NONE, null);
        assertThat(out).isEmpty();
    }

    @Test
    void aConflictingShareIsNoShareButAsTheFirstEventMakesTheUserOrganic() throws Exception {
        apply(Events.share("s1", "u", day(0), "alices-share"), ShareStatus.CONFLICTING_SHARE, null);
        apply(Events.click("c1", "u", day(1)), ShareStatus.TOUCH, "alice");
        assertThat(out).containsExactly("reach alice");
        assertThat(state.acquirer).isNull();
    }

    @Test
    void purchasesGoToTheirOwnShareElseTheLatestTouchWithinSevenDays() throws Exception {
        apply(Events.click("c1", "u", at(0, 10)), ShareStatus.NONE, null);
        apply(Events.click("c2", "u", at(1, 10)), ShareStatus.TOUCH, "alice");
        apply(Events.click("c3", "u", at(2, 10)), ShareStatus.TOUCH, "bob");
        apply(Events.purchase("p1", "u", at(3, 10), 100), ShareStatus.TOUCH, "carol"); // its own share wins
        apply(Events.purchase("p2", "u", at(4, 10), 200), ShareStatus.NONE, null);     // latest touch: carol's purchase
        apply(Events.purchase("p3", "u", at(10, 10), 300), ShareStatus.NONE, null);    // exactly 7 days after: still
        apply(Events.purchase("p4", "u", at(10, 10) + 1, 400), ShareStatus.NONE, null); // 7 days + 1 ms: nobody
        assertThat(out).containsExactly("reach alice", "reach bob", "attributed 100 to carol", "reach carol",
                "attributed 200 to carol", "attributed 300 to carol");
    }

    @Test
    void acquiredUsersRevenueGoesToTheAcquirerWhateverTheAttribution() throws Exception {
        apply(Events.click("c1", "u", day(0)), ShareStatus.TOUCH, "alice");
        apply(Events.purchase("p1", "u", day(20), 900), ShareStatus.TOUCH, "bob");
        assertThat(out).containsExactly("acquired u by alice via qr", "reach alice", "attributed 900 to bob",
                "acquired revenue 900 to alice", "reach bob");
    }

    @Test
    void countsASharerOncePerDayAndChannel() throws Exception {
        PulseEvent s1 = Events.share("s1", "u", at(0, 9), "sh-1");
        PulseEvent s2 = Events.share("s2", "u", at(0, 10), "sh-2");
        PulseEvent s3 = Events.share("s3", "u", at(0, 11), "sh-3");
        s3.channel = "qr";
        PulseEvent s4 = Events.share("s4", "u", at(1, 9), "sh-4");
        for (PulseEvent s : List.of(s1, s2, s3, s4)) {
            apply(s, ShareStatus.OWN_SHARE, "u");
        }
        assertThat(out).containsExactly("share by u (new sharer of app)", "share by u",
                "share by u (new sharer of qr)", "share by u (new sharer of app)");
        assertThat(DAY).isPositive();
    }
}
