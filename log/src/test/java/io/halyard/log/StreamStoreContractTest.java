package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link StreamStore} must do: JetStream's stream-store semantics, as nats-server's
 * memory store implements them. A store implementation runs these by extending this class.
 *
 * <p>Tests use only the interface, a temporary directory and a {@link TestClock}. Reads only see
 * durable messages, so every append that should succeed is awaited before anything is read.
 */
abstract class StreamStoreContractTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long AWAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** 2024-01-01T00:00:00Z: far from zero so that "0 = no timestamp" cannot pass by accident. */
    private static final long START = 1_704_067_200L * SECOND;

    @TempDir
    Path directory;

    protected final TestClock clock = new TestClock(START);
    private final List<StreamStore> opened = new ArrayList<>();

    /** Opens a store with these options. */
    protected abstract StreamStore open(StoreOptions options);

    /** Opens a store again after it was closed; by default a fresh {@link #open}. */
    protected StreamStore reopen(StoreOptions options) {
        return open(options);
    }

    /** True when a store reopened on the same options still holds what it held. */
    protected boolean keepsMessagesAcrossReopen() {
        return false;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(StreamStore::close);
    }

    // ---------------------------------------------------------------- append and get

    @Test
    void shouldAssignSequencesFromOne() {
        StreamStore store = store(StoreLimits.NONE);
        assertEquals(1, append(store, "orders.new", "a"));
        assertEquals(2, append(store, "orders.new", "b"));
        assertEquals(3, append(store, "orders.paid", "c"));
        assertEquals(3, store.durableSequence());
    }

    @Test
    void shouldReadBackSubjectHeadersPayloadAndTimestamp() {
        StreamStore store = store(StoreLimits.NONE);
        long seq = store.append("orders.new", bytes("NATS/1.0\r\nk: v\r\n\r\n"), bytes("payload"));
        await(store, seq);

        StoredMessage message = store.get(seq);
        assertEquals(seq, message.sequence());
        assertEquals("orders.new", message.subject());
        assertArrayEquals(bytes("NATS/1.0\r\nk: v\r\n\r\n"), message.headers());
        assertArrayEquals(bytes("payload"), message.payload());
        assertEquals(START, message.timestampNanos());
    }

    @Test
    void shouldReturnEmptyHeadersAndPayloadWhenNoneGiven() {
        StreamStore store = store(StoreLimits.NONE);
        long seq = store.append("a", (byte[]) null, new byte[0]);
        await(store, seq);

        StoredMessage message = store.get(seq);
        assertEquals(0, message.headers().length);
        assertEquals(0, message.payload().length);
        assertEquals(StoreLimits.accountedBytes(1, 0, 0), store.state().bytes());
    }

    @Test
    void shouldReadBuffersFromPositionToLimitAndLeaveThemUnchanged() {
        StreamStore store = store(StoreLimits.NONE);
        ByteBuffer headers = ByteBuffer.wrap(bytes("xxHDRyy"), 2, 3);
        ByteBuffer payload = ByteBuffer.wrap(bytes("--body--"), 2, 4);
        long seq = store.append("a", headers, payload);
        await(store, seq);

        assertEquals(2, headers.position());
        assertEquals(5, headers.limit());
        assertEquals(2, payload.position());
        assertEquals(6, payload.limit());
        assertArrayEquals(bytes("HDR"), store.get(seq).headers());
        assertArrayEquals(bytes("body"), store.get(seq).payload());
    }

    @Test
    void shouldKeepItsOwnCopyOfTheMessage() {
        StreamStore store = store(StoreLimits.NONE);
        byte[] payload = bytes("original");
        long seq = append(store, "a", payload);
        payload[0] = 'X';
        store.get(seq).payload()[1] = 'Y';

        assertArrayEquals(bytes("original"), store.get(seq).payload());
    }

    @Test
    void shouldReturnNullForSequencesItDoesNotHold() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");

        assertNull(store.get(0));
        assertNull(store.get(-1));
        assertNull(store.get(2));
        assertNull(store.get(Long.MAX_VALUE));
    }

    @Test
    void shouldMakeTimestampsNonDecreasingWhenTheClockGoesBack() {
        StreamStore store = store(StoreLimits.NONE);
        long first = append(store, "a", "1");
        clock.advance(-5 * SECOND);
        long second = append(store, "a", "2");
        clock.advance(10 * SECOND);
        long third = append(store, "a", "3");

        assertEquals(START, store.get(first).timestampNanos());
        assertEquals(START, store.get(second).timestampNanos());
        assertEquals(START + 5 * SECOND, store.get(third).timestampNanos());
    }

    @Test
    void shouldTellTheListenerEverySequenceBecameDurableInOrder() throws InterruptedException {
        List<Long> reported = new CopyOnWriteArrayList<>();
        StreamStore store = open(options(StoreLimits.NONE).withListener(reported::add));
        opened.add(store);
        long last = 0;
        for (int i = 0; i < 20; i++) {
            last = append(store, "a", "m" + i);
        }

        long deadline = System.nanoTime() + AWAIT_NANOS;
        while ((reported.isEmpty() || reported.get(reported.size() - 1) != last) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertFalse(reported.isEmpty());
        assertEquals(last, reported.get(reported.size() - 1));
        for (int i = 1; i < reported.size(); i++) {
            assertTrue(reported.get(i) > reported.get(i - 1), "listener sequences ascend: " + reported);
        }
    }

    @Test
    void shouldReportAppendedSequencesDurable() throws InterruptedException {
        StreamStore store = store(StoreLimits.NONE);
        long seq = store.append("a", null, bytes("1"));

        assertTrue(store.awaitDurable(seq, AWAIT_NANOS));
        assertTrue(store.durableSequence() >= seq);
        assertFalse(store.awaitDurable(seq + 1, TimeUnit.MILLISECONDS.toNanos(20)));
    }

    // ---------------------------------------------------------------- delete

    @Test
    void shouldLeaveAGapWhenDeletingFromTheMiddle() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);

        assertTrue(store.delete(2));

        assertNull(store.get(2));
        assertNotNull(store.get(1));
        assertNotNull(store.get(3));
        StoreState state = store.state();
        assertEquals(2, state.messages());
        assertEquals(1, state.firstSequence());
        assertEquals(3, state.lastSequence());
        assertEquals(1, state.deleted());
    }

    @Test
    void shouldMoveFirstSequencePastGapsWhenDeletingTheFirst() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 4);
        store.delete(2);

        store.delete(1);

        StoreState state = store.state();
        assertEquals(3, state.firstSequence());
        assertEquals(0, state.deleted());
        assertEquals(2, state.messages());
    }

    @Test
    void shouldReturnFalseWhenDeletingAMessageItDoesNotHold() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 2);
        store.delete(1);

        assertFalse(store.delete(1));
        assertFalse(store.delete(0));
        assertFalse(store.delete(3));
    }

    @Test
    void shouldNotReuseTheSequenceOfADeletedLastMessage() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 2);
        store.delete(2);

        assertEquals(2, store.state().lastSequence());
        assertEquals(3, append(store, "a", "next"));
    }

    @Test
    void shouldHaveFirstSequenceAfterLastWhenEveryMessageIsDeleted() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);
        store.delete(3);
        store.delete(1);
        store.delete(2);

        assertEmpty(store.state(), 3);
        assertNull(store.getLast(SubjectFilter.ALL));
        assertEquals(4, append(store, "a", "next"));
        assertEquals(4, store.state().firstSequence());
    }

    // ---------------------------------------------------------------- getLast and getNext

    @Test
    void shouldGetTheLastMessageOnALiteralSubject() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "orders.new", "1");
        append(store, "orders.paid", "2");
        append(store, "orders.new", "3");
        append(store, "orders.paid", "4");

        assertEquals(3, store.getLast(SubjectFilter.of("orders.new")).sequence());
        assertArrayEquals(bytes("3"), store.getLast(SubjectFilter.of("orders.new")).payload());
        assertNull(store.getLast(SubjectFilter.of("orders")));
        assertNull(store.getLast(SubjectFilter.of("orders.new.x")));
    }

    @Test
    void shouldGetTheLastMessageMatchingAWildcardFilter() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "orders.eu.new", "1");
        append(store, "orders.us.new", "2");
        append(store, "orders.eu.paid", "3");
        append(store, "audit", "4");

        assertEquals(2, store.getLast(SubjectFilter.of("orders.*.new")).sequence());
        assertEquals(3, store.getLast(SubjectFilter.of("orders.>")).sequence());
        assertEquals(4, store.getLast(SubjectFilter.ALL).sequence());
        assertNull(store.getLast(SubjectFilter.of("orders.*")));
    }

    @Test
    void shouldGetTheLastMessageThereIsWhenTheLastSequenceWasDeleted() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        append(store, "b", "2");
        append(store, "a", "3");
        store.delete(3);

        assertEquals(2, store.getLast(SubjectFilter.ALL).sequence());
        assertEquals(1, store.getLast(SubjectFilter.of("a")).sequence());
        assertEquals(2, store.getLast(SubjectFilter.of("*")).sequence());
    }

    @Test
    void shouldGetTheNextMessageOnALiteralSubjectFromASequence() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        append(store, "b", "2");
        append(store, "a", "3");
        append(store, "b", "4");
        append(store, "a", "5");

        SubjectFilter a = SubjectFilter.of("a");
        assertEquals(1, store.getNext(0, a).sequence());
        assertEquals(1, store.getNext(1, a).sequence());
        assertEquals(3, store.getNext(2, a).sequence());
        assertEquals(5, store.getNext(4, a).sequence());
        assertNull(store.getNext(6, a));
        assertNull(store.getNext(1, SubjectFilter.of("c")));
    }

    @Test
    void shouldGetTheNextMessageSkippingDeletedOnes() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 5);
        store.delete(2);
        store.delete(3);

        assertEquals(4, store.getNext(2, SubjectFilter.of("a")).sequence());
        assertEquals(4, store.getNext(2, SubjectFilter.ALL).sequence());
        assertEquals(4, store.getNext(2, SubjectFilter.of("*")).sequence());
    }

    @Test
    void shouldGetTheNextMessageMatchingAWildcardFilter() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "orders.eu.new", "1");
        append(store, "audit.login", "2");
        append(store, "orders.us.new", "3");
        append(store, "orders.eu.paid", "4");

        assertEquals(1, store.getNext(1, SubjectFilter.of("orders.*.new")).sequence());
        assertEquals(3, store.getNext(2, SubjectFilter.of("orders.*.new")).sequence());
        assertEquals(4, store.getNext(4, SubjectFilter.of("orders.>")).sequence());
        assertEquals(2, store.getNext(1, SubjectFilter.of("audit.*")).sequence());
        assertNull(store.getNext(3, SubjectFilter.of("audit.*")));
        assertEquals(2, store.getNext(2, SubjectFilter.ALL).sequence());
    }

    @Test
    void shouldGetTheNextWildcardMatchAmongManySubjectsAndManyMessages() {
        StreamStore store = store(StoreLimits.NONE);
        for (int i = 1; i <= 300; i++) {
            append(store, "kv.key" + (i % 50), "v" + i);
        }
        append(store, "other.key", "x"); // 301

        assertEquals(301, store.getNext(1, SubjectFilter.of("other.*")).sequence());
        assertEquals(250, store.getNext(250, SubjectFilter.of("kv.*")).sequence());
        assertEquals(257, store.getNext(252, SubjectFilter.of("kv.key7")).sequence());
        assertEquals(300, store.getLast(SubjectFilter.of("kv.>")).sequence());
        assertNull(store.getNext(300, SubjectFilter.of("kv.key3")));
    }

    @Test
    void shouldStartFromTheFirstMessageWhenGettingNextFromBelowIt() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);
        store.delete(1);

        assertEquals(2, store.getNext(-5, SubjectFilter.ALL).sequence());
        assertEquals(2, store.getNext(1, SubjectFilter.of(">")).sequence());
    }

    // ---------------------------------------------------------------- sequence by time

    @Test
    void shouldFindTheFirstSequenceAtOrAfterATime() {
        StreamStore store = store(StoreLimits.NONE);
        for (int i = 0; i < 10; i++) {
            append(store, "a", "m" + i); // sequence i + 1 at START + i seconds
            clock.advance(SECOND);
        }

        assertEquals(1, store.sequenceAtOrAfter(0));
        assertEquals(1, store.sequenceAtOrAfter(START));
        assertEquals(2, store.sequenceAtOrAfter(START + 1));
        assertEquals(5, store.sequenceAtOrAfter(START + 4 * SECOND));
        assertEquals(10, store.sequenceAtOrAfter(START + 9 * SECOND));
        assertEquals(11, store.sequenceAtOrAfter(START + 9 * SECOND + 1));
    }

    @Test
    void shouldFindTheSequenceAtOrAfterATimeAcrossGaps() {
        StreamStore store = store(StoreLimits.NONE);
        for (int i = 0; i < 10; i++) {
            append(store, "a", "m" + i);
            clock.advance(SECOND);
        }
        for (long seq = 3; seq <= 7; seq++) {
            store.delete(seq);
        }
        store.delete(1);

        assertEquals(2, store.sequenceAtOrAfter(START));
        assertEquals(8, store.sequenceAtOrAfter(START + SECOND + 1));
        assertEquals(8, store.sequenceAtOrAfter(START + 5 * SECOND));
        assertEquals(10, store.sequenceAtOrAfter(START + 9 * SECOND));
    }

    @Test
    void shouldFindTheFirstSequenceForEqualTimestamps() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        clock.advance(SECOND);
        appendAll(store, "a", 5); // 2..6 all at START + 1 s

        assertEquals(2, store.sequenceAtOrAfter(START + SECOND));
    }

    @Test
    void shouldAnswerLastPlusOneForATimeInAnEmptyStore() {
        StreamStore store = store(StoreLimits.NONE);
        assertEquals(1, store.sequenceAtOrAfter(START));
        appendAll(store, "a", 3);
        store.purge(null, 0, 0);

        assertEquals(4, store.sequenceAtOrAfter(0));
    }

    // ---------------------------------------------------------------- purge

    @Test
    void shouldPurgeEverythingAndContinueTheSequence() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 5);

        assertEquals(5, store.purge(null, 0, 0));

        assertEmpty(store.state(), 5);
        assertNull(store.get(5));
        assertNull(store.subjectState("a"));
        assertEquals(6, append(store, "a", "next"));
        StoreState state = store.state();
        assertEquals(6, state.firstSequence());
        assertEquals(6, state.lastSequence());
        assertEquals(1, state.messages());
    }

    @Test
    void shouldPurgeEverythingWithTheMatchAllFilter() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);
        append(store, "b", "x");

        assertEquals(4, store.purge(SubjectFilter.ALL, 0, 0));
        assertEmpty(store.state(), 4);
    }

    @Test
    void shouldPurgeOnlyMessagesOnSubjectsMatchingTheFilter() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "orders.eu", "1");
        append(store, "audit", "2");
        append(store, "orders.us", "3");
        append(store, "orders.eu", "4");

        assertEquals(2, store.purge(SubjectFilter.of("orders.eu"), 0, 0));
        assertEquals(1, store.purge(SubjectFilter.of("orders.*"), 0, 0));

        StoreState state = store.state();
        assertEquals(1, state.messages());
        assertEquals(2, state.firstSequence());
        assertEquals(4, state.lastSequence());
        assertEquals(2, state.deleted());
        assertEquals(Map.of("audit", 1L), store.subjectCounts(SubjectFilter.ALL));
    }

    @Test
    void shouldPurgeEverySubjectBelowASequence() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 5);

        assertEquals(3, store.purge(null, 4, 0));

        StoreState state = store.state();
        assertEquals(2, state.messages());
        assertEquals(4, state.firstSequence());
        assertEquals(5, state.lastSequence());
    }

    @Test
    void shouldPurgeNothingBelowSequenceOne() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);

        assertEquals(0, store.purge(null, 1, 0));
        assertEquals(0, store.purge(SubjectFilter.of("a"), 1, 0));
        assertEquals(3, store.state().messages());
    }

    @Test
    void shouldMoveTheNextSequenceWhenPurgingBelowASequencePastTheEnd() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 5);

        assertEquals(5, store.purge(null, 100, 0));

        StoreState state = store.state();
        assertEquals(0, state.messages());
        assertEquals(100, state.firstSequence());
        assertEquals(99, state.lastSequence());
        assertEquals(100, append(store, "a", "next"));
    }

    @Test
    void shouldPurgeEverythingWhenPurgingBelowTheNextSequence() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 5);

        assertEquals(5, store.purge(null, 6, 0));

        assertEmpty(store.state(), 5);
        assertEquals(6, append(store, "a", "next"));
    }

    @Test
    void shouldPurgeASubjectBelowASequence() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        append(store, "b", "2");
        append(store, "a", "3");
        append(store, "a", "4");

        assertEquals(2, store.purge(SubjectFilter.of("a"), 4, 0));

        assertNull(store.get(1));
        assertNull(store.get(3));
        assertNotNull(store.get(4));
        assertEquals(new SubjectState("a", 1, 4, 4), store.subjectState("a"));
        assertEquals(2, store.state().messages());
    }

    @Test
    void shouldPurgeKeepingTheNewestMessages() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        append(store, "b", "2");
        append(store, "a", "3");
        append(store, "b", "4");

        assertEquals(3, store.purge(null, 0, 1));

        StoreState state = store.state();
        assertEquals(1, state.messages());
        assertEquals(4, state.firstSequence());
        assertNotNull(store.get(4));
    }

    @Test
    void shouldPurgeASubjectKeepingItsNewestMessages() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        append(store, "b", "2");
        append(store, "a", "3");
        append(store, "a", "4");
        append(store, "b", "5");

        assertEquals(1, store.purge(SubjectFilter.of("a"), 0, 2));

        assertEquals(new SubjectState("a", 2, 3, 4), store.subjectState("a"));
        assertEquals(new SubjectState("b", 2, 2, 5), store.subjectState("b"));
    }

    @Test
    void shouldPurgeAWildcardKeepingTheNewestMatchingMessages() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "orders.eu", "1");
        append(store, "audit", "2");
        append(store, "orders.us", "3");
        append(store, "orders.eu", "4");

        assertEquals(2, store.purge(SubjectFilter.of("orders.>"), 0, 1));

        assertEquals(Map.of("audit", 1L, "orders.eu", 1L), store.subjectCounts(SubjectFilter.ALL));
        assertNotNull(store.get(4));
    }

    @Test
    void shouldPurgeNothingWhenKeepingAtLeastAllMatchingMessages() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);

        assertEquals(0, store.purge(SubjectFilter.of("a"), 0, 3));
        assertEquals(0, store.purge(null, 0, 10));
        assertEquals(3, store.state().messages());
    }

    @Test
    void shouldPurgeBelowASequenceButKeepTheNewestMatchingMessages() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 6);

        // Below 6 are 1..5; keeping the newest 4 of the six allows only two removals.
        assertEquals(2, store.purge(SubjectFilter.of("a"), 6, 4));

        StoreState state = store.state();
        assertEquals(4, state.messages());
        assertEquals(3, state.firstSequence());
    }

    @Test
    void shouldPurgeNothingOnAnEmptyStoreOrUnknownSubject() {
        StreamStore store = store(StoreLimits.NONE);
        assertEquals(0, store.purge(null, 0, 0));
        assertEmpty(store.state(), 0);
        appendAll(store, "a", 2);

        assertEquals(0, store.purge(SubjectFilter.of("b"), 0, 0));
        assertEquals(0, store.purge(SubjectFilter.of("b.*"), 0, 0));
        assertEquals(2, store.state().messages());
    }

    // ---------------------------------------------------------------- max messages

    @Test
    void shouldRemoveOldestWhenMaxMessagesReachedWithDiscardOld() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessages(3));
        appendAll(store, "a", 5);

        StoreState state = store.state();
        assertEquals(3, state.messages());
        assertEquals(3, state.firstSequence());
        assertEquals(5, state.lastSequence());
        assertNull(store.get(2));
    }

    @Test
    void shouldRejectWhenMaxMessagesReachedWithDiscardNew() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessages(3).withDiscard(DiscardPolicy.NEW, false));
        appendAll(store, "a", 3);

        assertEquals(StreamStore.REJECTED_MAX_MESSAGES, store.append("a", null, bytes("4")));

        StoreState state = store.state();
        assertEquals(3, state.messages());
        assertEquals(3, state.lastSequence());
        store.delete(1);
        assertEquals(4, append(store, "a", "4"), "a rejected append uses no sequence");
    }

    @Test
    void shouldAcceptAMessageReplacingTheOldestOnAFullSubjectWhenMaxMessagesReachedWithDiscardNew() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessages(2).withMaxMessagesPerSubject(1)
                .withDiscard(DiscardPolicy.NEW, false));
        append(store, "a", "1");
        append(store, "b", "2");

        assertEquals(StreamStore.REJECTED_MAX_MESSAGES, store.append("c", null, bytes("3")));
        assertEquals(3, append(store, "a", "3"));

        assertEquals(2, store.state().messages());
        assertNull(store.get(1));
        assertEquals(new SubjectState("a", 1, 3, 3), store.subjectState("a"));
    }

    // ---------------------------------------------------------------- max bytes

    @Test
    void shouldRemoveOldestWhenMaxBytesReachedWithDiscardOld() {
        long size = StoreLimits.accountedBytes(1, 0, 10); // 27
        StreamStore store = store(StoreLimits.NONE.withMaxBytes(3 * size + 5));
        for (int i = 0; i < 5; i++) {
            append(store, "a", "0123456789");
        }

        StoreState state = store.state();
        assertEquals(3, state.messages());
        assertEquals(3 * size, state.bytes());
        assertEquals(3, state.firstSequence());
    }

    @Test
    void shouldRejectWhenMaxBytesReachedWithDiscardNew() {
        long size = StoreLimits.accountedBytes(1, 0, 10);
        StreamStore store = store(StoreLimits.NONE.withMaxBytes(3 * size).withDiscard(DiscardPolicy.NEW, false));
        for (int i = 0; i < 3; i++) {
            append(store, "a", "0123456789");
        }

        assertEquals(StreamStore.REJECTED_MAX_BYTES, store.append("a", null, bytes("x")));

        StoreState state = store.state();
        assertEquals(3, state.messages());
        assertEquals(3 * size, state.bytes());
    }

    @Test
    void shouldAcceptAMessageThatFillsMaxBytesExactlyWithDiscardNew() {
        long size = StoreLimits.accountedBytes(1, 3, 10);
        StreamStore store = store(StoreLimits.NONE.withMaxBytes(2 * size).withDiscard(DiscardPolicy.NEW, false));
        append(store, "a", bytes("hdr"), bytes("0123456789"));

        assertEquals(2, append(store, "a", bytes("hdr"), bytes("0123456789")));
        assertEquals(2 * size, store.state().bytes());
    }

    @Test
    void shouldAcceptAReplacementNoLargerThanTheOldestOnAFullSubjectWhenMaxBytesReachedWithDiscardNew() {
        long size = StoreLimits.accountedBytes(1, 0, 10);
        StreamStore store = store(StoreLimits.NONE.withMaxBytes(2 * size).withMaxMessagesPerSubject(1)
                .withDiscard(DiscardPolicy.NEW, false));
        append(store, "a", "0123456789");
        append(store, "b", "0123456789");

        assertEquals(StreamStore.REJECTED_MAX_BYTES, store.append("a", null, bytes("0123456789+")));
        assertEquals(3, append(store, "a", "short"));

        assertEquals(new SubjectState("a", 1, 3, 3), store.subjectState("a"));
        assertEquals(size + StoreLimits.accountedBytes(1, 0, 5), store.state().bytes());
    }

    @Test
    void shouldDropEvenTheNewMessageWhenItAloneExceedsMaxBytesWithDiscardOld() {
        StreamStore store = store(StoreLimits.NONE.withMaxBytes(40));
        append(store, "a", "1");

        long seq = store.append("a", null, bytes("a payload far larger than forty bytes"));

        assertEquals(2, seq);
        assertTrue(await(store, seq));
        assertEmpty(store.state(), 2);
        assertNull(store.get(2));
    }

    // ---------------------------------------------------------------- max messages per subject

    @Test
    void shouldRemoveOldestOnSubjectWhenPerSubjectLimitReached() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessagesPerSubject(2));
        append(store, "a", "1");
        append(store, "b", "2");
        append(store, "a", "3");
        append(store, "a", "4");

        assertNull(store.get(1));
        assertEquals(new SubjectState("a", 2, 3, 4), store.subjectState("a"));
        assertEquals(new SubjectState("b", 1, 2, 2), store.subjectState("b"));
        assertEquals(3, store.state().messages());
        assertEquals(2, store.state().firstSequence());
    }

    @Test
    void shouldRemoveOldestOnSubjectWithDiscardNewWhenNotDiscardingNewPerSubject() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessagesPerSubject(1).withDiscard(DiscardPolicy.NEW, false));
        append(store, "a", "1");

        assertEquals(2, append(store, "a", "2"));

        assertEquals(new SubjectState("a", 1, 2, 2), store.subjectState("a"));
    }

    @Test
    void shouldRejectWhenPerSubjectLimitReachedWithDiscardNewPerSubject() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessagesPerSubject(2).withDiscard(DiscardPolicy.NEW, true));
        append(store, "a", "1");
        append(store, "a", "2");

        assertEquals(StreamStore.REJECTED_MAX_MESSAGES_PER_SUBJECT, store.append("a", null, bytes("3")));
        assertEquals(3, append(store, "b", "3"));

        assertEquals(new SubjectState("a", 2, 1, 2), store.subjectState("a"));
    }

    @Test
    void shouldIgnoreDiscardNewPerSubjectUnderDiscardOld() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessagesPerSubject(1).withDiscard(DiscardPolicy.OLD, true));
        append(store, "a", "1");

        assertEquals(2, append(store, "a", "2"));
        assertEquals(1, store.state().messages());
    }

    @Test
    void shouldKeepTheLastMessagePerSubjectAsAKeyValueBucketDoes() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessagesPerSubject(1));
        append(store, "kv.quiet", "q");
        for (int i = 0; i < 2_000; i++) {
            append(store, "kv.busy" + (i % 3), "v" + i);
        }

        StoreState state = store.state();
        assertEquals(4, state.messages());
        assertEquals(1, state.firstSequence());
        assertEquals(2_001, state.lastSequence());
        assertEquals(2_001 - 4, state.deleted());
        assertArrayEquals(bytes("q"), store.getLast(SubjectFilter.of("kv.quiet")).payload());
        assertEquals(1_999, store.getNext(2, SubjectFilter.of("kv.>")).sequence());
    }

    // ---------------------------------------------------------------- max message size

    @Test
    void shouldRejectAMessageWhoseHeadersAndPayloadExceedMaxMessageBytes() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessageBytes(10));

        assertEquals(StreamStore.REJECTED_MESSAGE_TOO_LARGE, store.append("a", bytes("hdr"), bytes("12345678")));
        assertEquals(StreamStore.REJECTED_MESSAGE_TOO_LARGE, store.append("a", null, bytes("12345678901")));
        // The subject does not count: JetStream's max_msg_size is headers plus payload.
        assertEquals(1, append(store, "a.long.subject", bytes("hdr"), bytes("1234567")));
        assertEquals(1, store.state().messages());
    }

    @Test
    void shouldRejectATooLargeMessageWhateverTheDiscardPolicy() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessageBytes(4).withDiscard(DiscardPolicy.NEW, true));

        assertEquals(StreamStore.REJECTED_MESSAGE_TOO_LARGE, store.append("a", null, bytes("12345")));
        assertEquals(0, store.state().messages());
        assertEquals(0, store.state().lastSequence());
    }

    // ---------------------------------------------------------------- max age

    @Test
    void shouldExpireMessagesOnceTheyReachMaxAge() {
        StreamStore store = store(StoreLimits.NONE.withMaxAgeNanos(10 * SECOND));
        append(store, "a", "1");
        clock.advance(5 * SECOND);
        append(store, "a", "2");

        clock.advance(5 * SECOND - 1);
        assertEquals(0, store.expire());
        clock.advance(1);
        assertEquals(1, store.expire());

        assertNull(store.get(1));
        assertEquals(2, store.state().firstSequence());
        clock.advance(5 * SECOND);
        assertEquals(1, store.expire());
        assertEmpty(store.state(), 2);
    }

    @Test
    void shouldExpireOldMessagesWhenAppending() {
        StreamStore store = store(StoreLimits.NONE.withMaxAgeNanos(10 * SECOND));
        appendAll(store, "a", 3);
        clock.advance(10 * SECOND);

        append(store, "a", "new");

        StoreState state = store.state();
        assertEquals(1, state.messages());
        assertEquals(4, state.firstSequence());
    }

    @Test
    void shouldNotRejectWithDiscardNewWhenTheOldestMessagesHaveExpired() {
        StreamStore store = store(StoreLimits.NONE.withMaxAgeNanos(10 * SECOND).withMaxMessages(2)
                .withDiscard(DiscardPolicy.NEW, false));
        appendAll(store, "a", 2);
        clock.advance(10 * SECOND);

        assertEquals(3, append(store, "a", "3"));
    }

    @Test
    void shouldExpireNothingWithoutMaxAge() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);
        clock.advance(365L * 24 * 3600 * SECOND);

        assertEquals(0, store.expire());
        assertEquals(3, store.state().messages());
    }

    // ---------------------------------------------------------------- updating limits

    @Test
    void shouldRemoveOldestWhenUpdatedToFewerMaxMessages() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 10);

        store.updateLimits(StoreLimits.NONE.withMaxMessages(4));

        assertEquals(StoreLimits.NONE.withMaxMessages(4), store.limits());
        StoreState state = store.state();
        assertEquals(4, state.messages());
        assertEquals(7, state.firstSequence());
    }

    @Test
    void shouldRemoveOldestWhenUpdatedToFewerMaxBytes() {
        long size = StoreLimits.accountedBytes(1, 0, 1);
        StreamStore store = store(StoreLimits.NONE);
        for (int i = 0; i < 10; i++) {
            append(store, "a", "x");
        }

        store.updateLimits(StoreLimits.NONE.withMaxBytes(3 * size));

        assertEquals(3, store.state().messages());
        assertEquals(3 * size, store.state().bytes());
    }

    @Test
    void shouldRemoveOldestPerSubjectWhenUpdatedToFewerMaxMessagesPerSubject() {
        StreamStore store = store(StoreLimits.NONE);
        for (int i = 0; i < 4; i++) {
            append(store, "a", "a" + i);
            append(store, "b", "b" + i);
        }
        append(store, "c", "c");

        store.updateLimits(StoreLimits.NONE.withMaxMessagesPerSubject(1).withDiscard(DiscardPolicy.NEW, true));

        assertEquals(Map.of("a", 1L, "b", 1L, "c", 1L), store.subjectCounts(SubjectFilter.ALL));
        assertEquals(new SubjectState("a", 1, 7, 7), store.subjectState("a"));
        assertEquals(7, store.state().firstSequence());
    }

    @Test
    void shouldExpireWhenUpdatedToAShorterMaxAge() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        clock.advance(10 * SECOND);
        append(store, "a", "2");

        store.updateLimits(StoreLimits.NONE.withMaxAgeNanos(5 * SECOND));

        assertEquals(1, store.state().messages());
        assertEquals(2, store.state().firstSequence());
    }

    @Test
    void shouldKeepMessagesOverNewStoreLimitsWithDiscardNewAndRejectUntilBelow() {
        StreamStore store = store(StoreLimits.NONE.withDiscard(DiscardPolicy.NEW, false));
        appendAll(store, "a", 5);

        store.updateLimits(StoreLimits.NONE.withMaxMessages(3).withDiscard(DiscardPolicy.NEW, false));

        assertEquals(5, store.state().messages());
        assertEquals(StreamStore.REJECTED_MAX_MESSAGES, store.append("a", null, bytes("6")));
        store.purge(null, 4, 0);
        assertEquals(6, append(store, "a", "6"));
    }

    @Test
    void shouldApplyANewDiscardPolicyToLaterAppends() {
        StreamStore store = store(StoreLimits.NONE.withMaxMessages(2));
        appendAll(store, "a", 2);

        store.updateLimits(StoreLimits.NONE.withMaxMessages(2).withDiscard(DiscardPolicy.NEW, false));
        assertEquals(StreamStore.REJECTED_MAX_MESSAGES, store.append("a", null, bytes("3")));

        store.updateLimits(StoreLimits.NONE.withMaxMessages(2));
        assertEquals(3, append(store, "a", "3"));
        assertEquals(2, store.state().firstSequence());
    }

    // ---------------------------------------------------------------- state

    @Test
    void shouldReportAnEmptyNewStore() {
        StreamStore store = store(StoreLimits.NONE);

        assertEmpty(store.state(), 0);
        assertEquals(0, store.durableSequence());
        assertNull(store.getLast(SubjectFilter.ALL));
        assertNull(store.getNext(0, SubjectFilter.ALL));
        assertEquals(Map.of(), store.subjectCounts(SubjectFilter.ALL));
    }

    @Test
    void shouldReportMessagesBytesSequencesTimestampsSubjectsAndGaps() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "orders.new", bytes("h"), bytes("12"));
        clock.advance(SECOND);
        append(store, "orders.paid", "123");
        clock.advance(SECOND);
        append(store, "orders.new", "1");
        clock.advance(SECOND);
        append(store, "audit", "");
        store.delete(3);

        StoreState state = store.state();
        assertEquals(3, state.messages());
        assertEquals(StoreLimits.accountedBytes(10, 1, 2) + StoreLimits.accountedBytes(11, 0, 3)
                + StoreLimits.accountedBytes(5, 0, 0), state.bytes());
        assertEquals(1, state.firstSequence());
        assertEquals(START, state.firstTimestampNanos());
        assertEquals(4, state.lastSequence());
        assertEquals(START + 3 * SECOND, state.lastTimestampNanos());
        assertEquals(3, state.subjects());
        assertEquals(1, state.deleted());
        assertEquals(0, state.lostMessages());
    }

    @Test
    void shouldReportTheFirstTimestampOfTheFirstRemainingMessage() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        clock.advance(SECOND);
        append(store, "a", "2");
        store.delete(1);

        assertEquals(START + SECOND, store.state().firstTimestampNanos());
    }

    @Test
    void shouldReportSubjectStateAndForgetEmptySubjects() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "a", "1");
        append(store, "b", "2");
        append(store, "a", "3");
        append(store, "a", "4");

        assertEquals(new SubjectState("a", 3, 1, 4), store.subjectState("a"));
        store.delete(1);
        store.delete(4);
        assertEquals(new SubjectState("a", 1, 3, 3), store.subjectState("a"));
        store.delete(2);
        assertNull(store.subjectState("b"));
        assertNull(store.subjectState("c"));
        assertEquals(1, store.state().subjects());
    }

    @Test
    void shouldKeepSubjectStateThroughManyInteriorDeletes() {
        StreamStore store = store(StoreLimits.NONE);
        for (int i = 0; i < 200; i++) {
            append(store, "a", "m" + i);
        }
        for (long seq = 2; seq < 200; seq++) {
            if (seq % 10 != 0) {
                store.delete(seq);
            }
        }

        assertEquals(new SubjectState("a", 21, 1, 200), store.subjectState("a"));
        assertEquals(10, store.getNext(2, SubjectFilter.of("a")).sequence());
        assertEquals(190, store.getNext(181, SubjectFilter.of("a")).sequence());
        assertEquals(200, store.getLast(SubjectFilter.of("a")).sequence());
    }

    @Test
    void shouldCountMessagesPerSubjectMatchingAFilter() {
        StreamStore store = store(StoreLimits.NONE);
        append(store, "orders.eu.new", "1");
        append(store, "orders.eu.new", "2");
        append(store, "orders.us.new", "3");
        append(store, "orders.eu.paid", "4");
        append(store, "audit", "5");

        assertEquals(Map.of("orders.eu.new", 2L, "orders.us.new", 1L),
                store.subjectCounts(SubjectFilter.of("orders.*.new")));
        assertEquals(Map.of("orders.eu.new", 2L), store.subjectCounts(SubjectFilter.of("orders.eu.new")));
        assertEquals(5, store.subjectCounts(SubjectFilter.ALL).values().stream().mapToLong(Long::longValue).sum());
        assertEquals(Map.of(), store.subjectCounts(SubjectFilter.of("nothing.>")));
    }

    // ---------------------------------------------------------------- close and reopen

    @Test
    void shouldRejectAppendsAsUnavailableAfterClose() throws InterruptedException {
        StreamStore store = store(StoreLimits.NONE);
        long seq = store.append("a", null, bytes("1"));

        store.close();

        assertTrue(store.awaitDurable(seq, AWAIT_NANOS), "close completes outstanding writes");
        assertEquals(seq, store.durableSequence());
        assertEquals(StreamStore.REJECTED_UNAVAILABLE, store.append("a", null, bytes("2")));
        store.close();
    }

    @Test
    void shouldNotWaitForSequencesThatCanNoLongerArriveAfterClose() throws InterruptedException {
        StreamStore store = store(StoreLimits.NONE);
        store.close();

        assertFalse(store.awaitDurable(1, AWAIT_NANOS));
    }

    @Test
    void shouldKeepMessagesSequencesAndGapsAcrossReopen() {
        assumeTrue(keepsMessagesAcrossReopen());
        StoreOptions options = options(StoreLimits.NONE);
        StreamStore store = open(options);
        opened.add(store);
        appendAll(store, "a", 4);
        append(store, "b", "5");
        store.delete(2);
        store.purge(SubjectFilter.of("b"), 0, 0);
        store.sync();
        StoreState before = store.state();
        store.close();

        StreamStore again = reopen(options);
        opened.add(again);

        assertEquals(before, again.state());
        assertNull(again.get(2));
        assertArrayEquals(bytes("m3"), again.get(3).payload());
        assertEquals(6, append(again, "a", "6"));
    }

    @Test
    void shouldKeepFirstAfterLastAcrossReopenWhenPurgedEmpty() {
        assumeTrue(keepsMessagesAcrossReopen());
        StoreOptions options = options(StoreLimits.NONE);
        StreamStore store = open(options);
        opened.add(store);
        appendAll(store, "a", 3);
        store.purge(null, 0, 0);
        store.close();

        StreamStore again = reopen(options);
        opened.add(again);

        assertEmpty(again.state(), 3);
        assertEquals(4, append(again, "a", "4"));
    }

    // ---------------------------------------------------------------- skipping sequences

    @Test
    void shouldSkipToASequenceKeepingWhatItHolds() {
        StreamStore store = store(StoreLimits.NONE);
        appendAll(store, "a", 3);
        store.skipTo(10);
        store.skipTo(5); // not forward: nothing
        assertEquals(10, append(store, "b", "10"));
        assertEquals(11, append(store, "a", "11"));
        await(store, 11);
        assertArrayEquals(bytes("m3"), store.get(3).payload());
        for (long seq = 4; seq <= 9; seq++) {
            assertNull(store.get(seq), "skipped " + seq);
        }
        assertArrayEquals(bytes("10"), store.get(10).payload());
        StoreState state = store.state();
        assertEquals(5, state.messages());
        assertEquals(1, state.firstSequence());
        assertEquals(11, state.lastSequence());
        assertEquals(3, store.getNext(3, null).sequence());
        assertEquals(10, store.getNext(4, null).sequence());
        assertEquals(11, store.getLast(SubjectFilter.of("a")).sequence());
    }

    @Test
    void shouldKeepAGivenTimestampButNeverGoBack() {
        StreamStore store = store(StoreLimits.NONE);
        long a = store.append("a", (ByteBuffer) null, ByteBuffer.wrap(bytes("x")), START - 10 * SECOND);
        long b = store.append("a", (ByteBuffer) null, ByteBuffer.wrap(bytes("y")), START - 20 * SECOND);
        long c = store.append("a", (ByteBuffer) null, ByteBuffer.wrap(bytes("z")), 0);
        await(store, c);
        assertEquals(START - 10 * SECOND, store.get(a).timestampNanos());
        assertEquals(START - 10 * SECOND, store.get(b).timestampNanos(), "not before the one before it");
        assertEquals(START, store.get(c).timestampNanos(), "0: now");
    }

    @Test
    void shouldSkipAnEmptyStoreSoThatItsFirstSequenceFollows() {
        StreamStore store = store(StoreLimits.NONE);
        store.skipTo(100);
        assertEquals(100, append(store, "a", "x"));
        await(store, 100);
        assertEquals(100, store.state().firstSequence());
        assertEquals(1, store.state().messages());
    }

    @Test
    void shouldKeepASkipAcrossReopenWithoutCountingItLost() {
        assumeTrue(keepsMessagesAcrossReopen());
        StoreOptions options = options(StoreLimits.NONE);
        StreamStore store = open(options);
        opened.add(store);
        appendAll(store, "a", 3);
        store.skipTo(1_000_000);
        append(store, "a", "big");
        store.skipTo(2_000_000); // a skip nothing follows: reopened, the next sequence is still past it
        store.sync();
        store.close();

        StreamStore again = reopen(options);
        opened.add(again);
        assertEquals(0, again.state().lostMessages());
        assertEquals(4, again.state().messages());
        assertArrayEquals(bytes("big"), again.get(1_000_000).payload());
        assertEquals(2_000_000, append(again, "a", "next"));
    }

    // ---------------------------------------------------------------- helpers

    /** Time that tests move by hand. */
    protected static final class TestClock implements EpochClock {
        private volatile long nowNanos;

        TestClock(long startNanos) {
            this.nowNanos = startNanos;
        }

        void advance(long nanos) {
            nowNanos += nanos;
        }

        @Override
        public long epochNanos() {
            return nowNanos;
        }
    }

    protected StoreOptions options(StoreLimits limits) {
        return StoreOptions.defaults(directory).withClock(clock).withLimits(limits);
    }

    private StreamStore store(StoreLimits limits) {
        StreamStore store = open(options(limits));
        opened.add(store);
        return store;
    }

    private static void assertEmpty(StoreState state, long lastSequence) {
        assertEquals(new StoreState(0, 0, lastSequence + 1, 0, lastSequence, 0, 0, 0, 0), state);
    }

    private static long append(StreamStore store, String subject, String payload) {
        return append(store, subject, null, bytes(payload));
    }

    private static long append(StreamStore store, String subject, byte[] payload) {
        return append(store, subject, null, payload);
    }

    private static long append(StreamStore store, String subject, byte[] headers, byte[] payload) {
        long seq = store.append(subject, headers, payload);
        assertTrue(seq > 0, "append was rejected: " + seq);
        assertTrue(await(store, seq), "not durable: " + seq);
        return seq;
    }

    /** Appends {@code count} messages on one subject, each with payload "m" + its sequence. */
    private static void appendAll(StreamStore store, String subject, int count) {
        for (int i = 0; i < count; i++) {
            append(store, subject, "m" + (store.durableSequence() + 1));
        }
    }

    private static boolean await(StreamStore store, long seq) {
        try {
            return store.awaitDurable(seq, AWAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
