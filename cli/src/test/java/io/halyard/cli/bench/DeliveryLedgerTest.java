package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    @Test
    void shouldConfirmExactlyOnceWhenMembersSplitTheSequences() {
        DeliveryLedger a = new DeliveryLedger(1000);
        DeliveryLedger b = new DeliveryLedger(1000);
        for (long s = 0; s < 130; s++) {
            (s % 2 == 0 ? a : b).record(s);
        }
        assertTrue(DeliveryLedger.check(130, a, b).exactlyOnce());
    }

    @Test
    void shouldCountAMessageSeenByTwoMembersOrTwiceByOneAsDuplicate() {
        DeliveryLedger a = new DeliveryLedger(100);
        DeliveryLedger b = new DeliveryLedger(100);
        DeliveryLedger c = new DeliveryLedger(100);
        for (long s = 0; s < 64; s++) {
            a.record(s);
        }
        b.record(5);   // across members
        c.record(5);   // a third time
        a.record(63);  // twice by one member
        assertEquals(new DeliveryLedger.Verdict(0, 3, 0), DeliveryLedger.check(64, a, b, c));
    }

    @Test
    void shouldCountWhatNoMemberReceivedAsMissing() {
        DeliveryLedger a = new DeliveryLedger(200);
        for (long s = 0; s < 200; s++) {
            if (s != 0 && s != 64 && s != 199) {
                a.record(s);
            }
        }
        assertEquals(new DeliveryLedger.Verdict(3, 0, 0), DeliveryLedger.check(200, a));
    }

    @Test
    void shouldCountSequencesBeyondWhatWasPublishedAsUnexpected() {
        DeliveryLedger a = new DeliveryLedger(100);
        a.record(0);
        a.record(1);
        a.record(2);     // published is 2: sequence 2 was never sent
        a.record(99);
        a.record(100);   // beyond capacity
        a.record(-1);
        assertEquals(new DeliveryLedger.Verdict(0, 0, 4), DeliveryLedger.check(2, a));
    }
}
