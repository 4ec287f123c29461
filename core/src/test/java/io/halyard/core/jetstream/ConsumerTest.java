package io.halyard.core.jetstream;

import io.halyard.log.MemoryStore;
import io.halyard.log.StoreOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumer state machine, driven with a test clock and a recording output: no threads, no sleeping. */
class ConsumerTest {
    private static final long SECOND = 1_000_000_000L;

    /** What the consumer sent: deliveries (to, subject, reply) and status messages (headers). */
    record Sent(String to, String subject, String reply, String headers, String payload) {
    }

    private static final class Recorder implements ConsumerOutput {
        final List<Sent> sent = new ArrayList<>();
        boolean interest = true;

        @Override
        public void publish(String subject, String reply, byte[] headers, byte[] payload) {
            sent.add(new Sent(subject, subject, reply, headers == null ? null : new String(headers, StandardCharsets.US_ASCII),
                    new String(payload, StandardCharsets.UTF_8)));
        }

        @Override
        public void publishTo(String to, String subject, String reply, byte[] headers, byte[] payload) {
            sent.add(new Sent(to, subject, reply, headers == null ? null : new String(headers, StandardCharsets.US_ASCII),
                    new String(payload, StandardCharsets.UTF_8)));
        }

        @Override
        public boolean hasInterest(String subject) {
            return interest;
        }

        List<Sent> take() {
            List<Sent> copy = new ArrayList<>(sent);
            sent.clear();
            return copy;
        }
    }

    private long now = 1_000 * SECOND;
    private final MemoryStore store = new MemoryStore(StoreOptions.defaults(null).withClock(() -> now));
    private final Recorder out = new Recorder();
    private final StreamConfig streamConfig = new StreamConfig();

    private void publish(String subject, String payload) {
        store.append(subject, null, payload.getBytes(StandardCharsets.UTF_8));
    }

    private Consumer consumer(ConsumerConfig config) {
        streamConfig.subjects = List.of("a", "orders.*", "kv.>");
        if (config.name.isEmpty()) {
            config.name = "C";
            config.durable = "C";
        }
        ConsumerConfigRules.applyDefaults(config, streamConfig);
        ConsumerConfigRules.check(config, streamConfig);
        return new Consumer("S", config, now, store, out, null, null, now);
    }

    private static ConsumerConfig pull(String ackPolicy) {
        ConsumerConfig c = new ConsumerConfig();
        c.ackPolicy = ackPolicy;
        return c;
    }

    private PullRequest request(String json) {
        return PullRequest.parse("_INBOX.r", json.getBytes(StandardCharsets.UTF_8), now);
    }

    private static long streamSeq(Sent s) {
        return Long.parseLong(s.reply().split("\\.")[5]);
    }

    @Test
    void shouldDeliverABatchWithTheV1AckReplySubject() {
        publish("orders.1", "a");
        publish("orders.2", "b");
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":5,\"expires\":1000000000}"), now);
        List<Sent> sent = out.take();
        assertEquals(2, sent.size());
        assertEquals("_INBOX.r", sent.get(0).to());
        assertEquals("orders.1", sent.get(0).subject());
        // $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp>.<pending>
        assertEquals("$JS.ACK.S.C.1.1.1." + now + ".1", sent.get(0).reply());
        assertEquals("$JS.ACK.S.C.1.2.2." + now + ".0", sent.get(1).reply());
        assertEquals(2, c.state.pending.size());
    }

    @Test
    void shouldAnswerNoWaitWith404WhenNothingIsPending() {
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1,\"no_wait\":true}"), now);
        assertEquals("NATS/1.0 404 No Messages\r\n\r\n", out.take().get(0).headers());
    }

    @Test
    void shouldAnswer408WithPendingCountsWhenAPullRequestExpires() {
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":3,\"expires\":" + SECOND + "}"), now);
        assertTrue(out.take().isEmpty());
        now += SECOND;
        c.tick(now);
        assertEquals("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\nNats-Pending-Bytes: 0\r\n\r\n",
                out.take().get(0).headers());
        assertEquals(0, c.numWaiting());
    }

    @Test
    void shouldDeliverToAWaitingRequestWhenAMessageArrives() {
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1,\"expires\":" + SECOND + "}"), now);
        publish("a", "x");
        c.onNewMessages(1, now);
        assertEquals("a", out.take().get(0).subject());
    }

    @Test
    void shouldRedeliverAfterAckWaitWhenNotAcked() {
        publish("a", "x");
        ConsumerConfig config = pull("explicit");
        config.ackWaitNanos = 2 * SECOND;
        Consumer c = consumer(config);
        c.pull(request("{\"batch\":1}"), now);
        assertEquals("$JS.ACK.S.C.1.1.1." + now + ".0", out.take().get(0).reply());
        c.pull(request("{\"batch\":1,\"expires\":" + 10 * SECOND + "}"), now);
        now += SECOND;
        c.tick(now);
        assertTrue(out.take().isEmpty());
        now += SECOND;
        c.tick(now);
        Sent again = out.take().get(0);
        assertTrue(again.reply().startsWith("$JS.ACK.S.C.2.1.2."), again.reply());
        assertEquals(1, c.state.redelivered.size());
    }

    @Test
    void shouldNotRedeliverAnAckedMessage() {
        publish("a", "x");
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1}"), now);
        c.acks.onAck(1, 1, "+ACK".getBytes(), null, now);
        assertEquals(0, c.state.pending.size());
        assertEquals(1, c.state.ackFloorStreamSeq);
        c.pull(request("{\"batch\":1,\"expires\":" + 100 * SECOND + "}"), now);
        out.take();
        now += 60 * SECOND;
        c.tick(now);
        assertTrue(out.take().isEmpty());
    }

    @Test
    void shouldAnswerADoubleAckWithAnEmptyMessage() {
        publish("a", "x");
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1}"), now);
        out.take();
        c.acks.onAck(1, 1, new byte[0], "_INBOX.ack", now);
        Sent reply = out.take().get(0);
        assertEquals("_INBOX.ack", reply.to());
        assertEquals("", reply.payload());
    }

    @Test
    void shouldRedeliverANakedMessageAfterItsDelay() {
        publish("a", "x");
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1}"), now);
        out.take();
        c.pull(request("{\"batch\":1,\"expires\":" + 100 * SECOND + "}"), now);
        c.acks.onAck(1, 1, "-NAK {\"delay\":5000000000}".getBytes(), null, now);
        assertTrue(out.take().isEmpty());
        now += 5 * SECOND;
        c.tick(now);
        assertEquals(1, out.take().size());
    }

    @Test
    void shouldStopAtMaxDeliverAndPublishTheAdvisory() {
        publish("a", "x");
        ConsumerConfig config = pull("explicit");
        config.ackWaitNanos = SECOND;
        config.maxDeliver = 2;
        Consumer c = consumer(config);
        c.pull(request("{\"batch\":10,\"expires\":" + 100 * SECOND + "}"), now);
        now += SECOND;
        c.tick(now);
        assertEquals(2, out.take().size());
        now += SECOND;
        c.tick(now);
        List<Sent> sent = out.take();
        assertEquals(1, sent.size());
        assertEquals("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.S.C", sent.get(0).to());
        assertTrue(sent.get(0).payload().contains("\"deliveries\":2"));
        assertEquals(0, c.state.pending.size());
    }

    @Test
    void shouldTerminateWithReasonAndAdvise() {
        publish("a", "x");
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1}"), now);
        out.take();
        c.acks.onAck(1, 1, "+TERM bad payload".getBytes(), null, now);
        Sent advisory = out.take().get(0);
        assertEquals("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.S.C", advisory.to());
        assertTrue(advisory.payload().contains("\"reason\":\"bad payload\""));
    }

    @Test
    void shouldHoldDeliveriesAtMaxAckPending() {
        for (int i = 0; i < 5; i++) {
            publish("a", "x" + i);
        }
        ConsumerConfig config = pull("explicit");
        config.maxAckPending = 2;
        Consumer c = consumer(config);
        c.pull(request("{\"batch\":5,\"expires\":" + 10 * SECOND + "}"), now);
        assertEquals(2, out.take().size());
        c.acks.onAck(1, 1, new byte[0], null, now);
        assertEquals(1, out.take().size());
    }

    @Test
    void shouldAckEverythingUpToTheSequenceWithAckAll() {
        for (int i = 0; i < 3; i++) {
            publish("a", "x" + i);
        }
        Consumer c = consumer(pull("all"));
        c.pull(request("{\"batch\":3}"), now);
        c.acks.onAck(2, 2, new byte[0], null, now);
        assertEquals(1, c.state.pending.size());
        assertEquals(2, c.state.ackFloorStreamSeq);
    }

    @Test
    void shouldEndARequestThatCannotFitTheNextMessageWith409() {
        publish("a", "0123456789");
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1,\"max_bytes\":5}"), now);
        assertEquals("NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: 1\r\nNats-Pending-Bytes: 5\r\n\r\n",
                out.take().get(0).headers());
    }

    @Test
    void shouldRefuseRequestsBeyondMaxWaiting() {
        ConsumerConfig config = pull("explicit");
        config.maxWaiting = 1;
        Consumer c = consumer(config);
        c.pull(request("{\"batch\":1,\"expires\":" + SECOND + "}"), now);
        c.pull(request("{\"batch\":1,\"expires\":" + SECOND + "}"), now);
        assertEquals("NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n", out.take().get(0).headers());
    }

    @Test
    void shouldTellWaitingRequestsWhenTheConsumerIsDeleted() {
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1,\"expires\":" + SECOND + "}"), now);
        c.delete();
        assertEquals("NATS/1.0 409 Consumer Deleted\r\n\r\n", out.take().get(0).headers());
    }

    @Test
    void shouldDeliverOnlyTheLastMessageOfEachSubjectWithLastPerSubject() {
        publish("kv.a", "1");
        publish("kv.b", "1");
        publish("kv.a", "2");
        ConsumerConfig config = pull("none");
        config.deliverPolicy = "last_per_subject";
        config.filterSubject = "kv.>";
        Consumer c = consumer(config);
        assertEquals(2, c.numPending());
        c.pull(request("{\"batch\":10}"), now);
        List<Sent> sent = out.take();
        assertEquals(List.of(2L, 3L), sent.stream().map(ConsumerTest::streamSeq).toList());
        publish("kv.b", "2");
        c.pull(request("{\"batch\":10}"), now);
        c.onNewMessages(4, now);
        assertEquals(4L, streamSeq(out.take().get(0)));
    }

    @Test
    void shouldStartAfterTheLastMessageWithDeliverNew() {
        publish("a", "old");
        ConsumerConfig config = pull("explicit");
        config.deliverPolicy = "new";
        Consumer c = consumer(config);
        assertEquals(0, c.numPending());
        publish("a", "new");
        c.onNewMessages(2, now);
        c.pull(request("{\"batch\":1}"), now);
        assertEquals(2L, streamSeq(out.take().get(0)));
    }

    @Test
    void shouldSendIdleHeartbeatsToAPushConsumer() {
        ConsumerConfig config = new ConsumerConfig();
        config.deliverSubject = "deliver";
        config.idleHeartbeatNanos = 5 * SECOND;
        Consumer c = consumer(config);
        now += 5 * SECOND;
        c.tick(now);
        Sent hb = out.take().get(0);
        assertEquals("deliver", hb.to());
        assertEquals("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 0\r\nNats-Last-Stream: 0\r\n\r\n", hb.headers());
    }

    @Test
    void shouldStallAPushConsumerUntilItAnswersFlowControl() {
        int window = Consumer.FLOW_CONTROL_MESSAGES;
        for (int i = 0; i < 2 * window + 10; i++) {
            publish("a", "x");
        }
        ConsumerConfig config = new ConsumerConfig();
        config.deliverSubject = "deliver";
        config.flowControl = true;
        config.idleHeartbeatNanos = 5 * SECOND;
        Consumer c = consumer(config);
        c.deliver(now);
        List<Sent> sent = out.take();
        // a window of messages, the request, and one more window while the answer is on its way
        assertEquals(2 * window + 1, sent.size());
        Sent fc = sent.get(window);
        assertEquals("NATS/1.0 100 FlowControl Request\r\n\r\n", fc.headers());
        assertEquals("$JS.FC.S.C.1", fc.reply());
        c.deliver(now);
        assertTrue(out.take().isEmpty(), "stalled");
        // the stalled consumer's heartbeat names the flow control subject to answer
        now += 5 * SECOND;
        c.tick(now);
        assertTrue(out.take().get(0).headers().contains("Nats-Consumer-Stalled: $JS.FC.S.C.1"));
        c.onFlowControlReply("$JS.FC.S.C.1", now);
        assertEquals(10, out.take().stream().filter(m -> m.headers() == null).count());
    }

    @Test
    void shouldNotDeliverToAPushConsumerWithoutInterest() {
        publish("a", "x");
        out.interest = false;
        ConsumerConfig config = new ConsumerConfig();
        config.deliverSubject = "deliver";
        Consumer c = consumer(config);
        c.deliver(now);
        assertTrue(out.take().isEmpty());
        out.interest = true;
        c.tick(now);
        assertEquals(1, out.take().size());
    }

    @Test
    void shouldAskToBeDeletedAfterInactiveThreshold() {
        ConsumerConfig config = pull("explicit");
        config.name = "eph";
        Consumer c = consumer(config);
        assertEquals(ConsumerConfigRules.DEFAULT_EPHEMERAL_INACTIVE_NANOS, c.config.inactiveThresholdNanos);
        assertTrue(c.tick(now + SECOND));
        assertFalse(c.tick(now + 5 * SECOND));
    }

    @Test
    void shouldKeepPositionsAndPendingAcrossEncodeAndDecode() throws Exception {
        for (int i = 0; i < 3; i++) {
            publish("a", "x" + i);
        }
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":3}"), now);
        c.acks.onAck(1, 1, new byte[0], null, now);
        ConsumerState copy = ConsumerState.decode(c.state.encode(0));
        assertEquals(3, copy.deliveredStreamSeq);
        assertEquals(1, copy.ackFloorStreamSeq);
        assertEquals(List.of(2L, 3L), new ArrayList<>(copy.pending.keySet()));
        Consumer restored = new Consumer("S", c.config, now, store, out, null, copy, now);
        out.take();
        restored.pull(request("{\"batch\":3,\"expires\":" + 100 * SECOND + "}"), now);
        assertTrue(out.take().isEmpty(), "nothing new; pending ones wait for ack_wait");
        now += ConsumerConfigRules.DEFAULT_ACK_WAIT_NANOS;
        restored.tick(now);
        assertEquals(List.of(2L, 3L), out.take().stream().map(ConsumerTest::streamSeq).toList());
    }

    @Test
    void shouldReplayWithTheOriginalGapsWhenAsked() {
        publish("a", "first");
        now += 2 * SECOND;
        publish("a", "second");
        ConsumerConfig config = new ConsumerConfig();
        config.deliverSubject = "deliver";
        config.replayPolicy = "original";
        Consumer c = consumer(config);
        c.deliver(now);
        assertEquals(1, out.take().size());
        now += SECOND;
        c.tick(now);
        assertTrue(out.take().isEmpty());
        now += SECOND;
        c.tick(now);
        assertEquals("second", out.take().get(0).payload());
    }

    @Test
    void shouldLetTheRetentionRemoveWhatWasAcked() {
        publish("a", "x");
        List<Long> retired = new ArrayList<>();
        ConsumerConfig config = pull("explicit");
        consumer(config);
        Consumer c = new Consumer("S", config, now, store, out, (consumer, seq) -> retired.add(seq), null, now);
        c.pull(request("{\"batch\":1}"), now);
        assertFalse(c.isDoneWith(1, "a"));
        c.acks.onAck(1, 1, "+ACK".getBytes(), null, now);
        assertEquals(List.of(1L), retired);
        assertTrue(c.isDoneWith(1, "a"));
    }

    @Test
    void shouldRedeliverAfterEachBackoffStep() {
        publish("a", "x");
        ConsumerConfig config = pull("explicit");
        config.backoffNanos = new ArrayList<>(List.of(SECOND, 3 * SECOND));
        config.maxDeliver = 5;
        Consumer c = consumer(config);
        assertEquals(SECOND, c.config.ackWaitNanos, "the first step is the ack wait");
        c.pull(request("{\"batch\":10,\"expires\":" + 100 * SECOND + "}"), now);
        assertEquals(1, out.take().size());
        now += SECOND;
        c.tick(now);
        assertEquals(1, out.take().size(), "second delivery after the first step");
        now += 2 * SECOND;
        c.tick(now);
        assertTrue(out.take().isEmpty(), "the second step is longer");
        now += SECOND;
        c.tick(now);
        assertEquals(1, out.take().size());
    }

    @Test
    void shouldSendIdleHeartbeatsToAWaitingPullRequest() {
        Consumer c = consumer(pull("explicit"));
        c.pull(request("{\"batch\":1,\"expires\":" + 10 * SECOND + ",\"idle_heartbeat\":" + SECOND + "}"), now);
        now += SECOND;
        c.tick(now);
        Sent hb = out.take().get(0);
        assertEquals("_INBOX.r", hb.to());
        assertTrue(hb.headers().startsWith("NATS/1.0 100 Idle Heartbeat\r\n"), hb.headers());
    }

    @Test
    void shouldStartAtTheFirstMessageAtOrAfterTheStartTime() {
        publish("a", "early");
        now += 10 * SECOND;
        long start = now;
        publish("a", "late");
        ConsumerConfig config = pull("explicit");
        config.deliverPolicy = "by_start_time";
        config.optStartTime = ApiJson.time(start);
        Consumer c = consumer(config);
        c.pull(request("{\"batch\":5}"), now);
        List<Sent> sent = out.take();
        assertEquals(1, sent.size());
        assertEquals("late", sent.get(0).payload());
    }

    @Test
    void shouldRefuseABatchLargerThanMaxRequestBatch() {
        ConsumerConfig config = pull("explicit");
        config.maxRequestBatch = 10;
        Consumer c = consumer(config);
        c.pull(request("{\"batch\":11}"), now);
        assertEquals("NATS/1.0 409 Exceeded MaxRequestBatch of 10\r\n\r\n", out.take().get(0).headers());
    }

    @Test
    void shouldFormatDurationsAsGo() {
        assertEquals("1s", GoDuration.format(SECOND));
        assertEquals("1m0s", GoDuration.format(60 * SECOND));
        assertEquals("1.5s", GoDuration.format(1_500_000_000L));
        assertEquals("500ms", GoDuration.format(500_000_000L));
        assertEquals(2 * SECOND, GoDuration.parse("2s"));
    }
    @Test
    void shouldPublishAnAckMetricForSampledAcks() {
        publish("a", "x");
        ConsumerConfig config = pull("explicit");
        config.sampleFrequency = "100%";
        Consumer c = consumer(config);
        c.pull(request("{\"batch\":1}"), now);
        out.take();
        now += 250_000_000L;
        c.acks.onAck(1, 1, new byte[0], null, now);
        Sent metric = out.take().stream().filter(s -> s.to().startsWith("$JS.EVENT.METRIC.")).findFirst().orElseThrow();
        assertEquals("$JS.EVENT.METRIC.CONSUMER.ACK.S.C", metric.to());
        assertTrue(metric.payload().contains("\"type\":\"io.nats.jetstream.metric.v1.consumer_ack\""), metric.payload());
        assertTrue(metric.payload().contains("\"ack_time\":250000000"), metric.payload());
        assertTrue(metric.payload().contains("\"stream_seq\":1"), metric.payload());
    }

    @Test
    void shouldRefuseASampleFrequencyThatIsNotAPercentage() {
        ConsumerConfig config = pull("explicit");
        config.sampleFrequency = "often";
        ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> consumer(config));
        assertTrue(e.getMessage().contains("failed to parse consumer sampling configuration"), e.getMessage());
    }

    @Test
    void shouldDeliverAPushConsumerNoFasterThanItsRateLimit() {
        String payload = "p".repeat(100 * 1024);
        for (int i = 0; i < 30; i++) {
            publish("a", payload);
        }
        ConsumerConfig config = new ConsumerConfig();
        config.deliverSubject = "deliver";
        config.ackPolicy = "none";
        config.rateLimitBps = 8L * 1024 * 1024; // 1 MiB/s, and a burst of 1 MiB (no max_msg_size)
        Consumer c = consumer(config);
        c.deliver(now);
        int burst = out.take().size();
        assertTrue(burst >= 9 && burst <= 11, "about a burst's worth at once: " + burst);
        now += SECOND / 2;
        c.tick(now);
        int halfSecond = out.take().size();
        assertTrue(halfSecond >= 4 && halfSecond <= 6, "about half a MiB in half a second: " + halfSecond);
    }
    private PullRequest request(String reply, String json) {
        return PullRequest.parse(reply, json.getBytes(StandardCharsets.UTF_8), now);
    }

    private static ConsumerConfig priority(String policy) {
        ConsumerConfig c = pull("explicit");
        c.priorityPolicy = policy;
        c.priorityGroups = new ArrayList<>(List.of("A"));
        return c;
    }

    @Test
    void shouldShareMessagesRoundRobinBetweenWaitingRequests() {
        Consumer c = consumer(pull("explicit"));
        c.pull(request("_INBOX.two", "{\"batch\":2,\"expires\":" + 10 * SECOND + "}"), now);
        c.pull(request("_INBOX.three", "{\"batch\":2,\"expires\":" + 10 * SECOND + "}"), now);
        for (int i = 0; i < 4; i++) {
            publish("a", "m" + i);
        }
        c.onNewMessages(4, now);
        assertEquals(List.of("_INBOX.two", "_INBOX.three", "_INBOX.two", "_INBOX.three"),
                out.take().stream().map(Sent::to).toList());
    }

    @Test
    void shouldPinTheFirstRequestAndServeOnlyItsClientUntilThePinLapses() {
        for (int i = 0; i < 3; i++) {
            publish("a", "m" + i);
        }
        ConsumerConfig config = priority("pinned_client");
        Consumer c = consumer(config);
        assertEquals(ConsumerConfigRules.DEFAULT_PINNED_TTL_NANOS, c.config.pinnedTtlNanos);
        c.pull(request("_INBOX.first", "{\"batch\":1,\"group\":\"A\",\"expires\":" + 600 * SECOND + "}"), now);
        List<Sent> sent = out.take();
        Sent pinnedAdvisory = sent.stream().filter(x -> x.to().startsWith("$JS.EVENT.ADVISORY.CONSUMER.PINNED.")).findFirst().orElseThrow();
        Sent delivery = sent.stream().filter(x -> x.to().equals("_INBOX.first")).findFirst().orElseThrow();
        String pin = c.pinId();
        assertTrue(delivery.headers().contains("Nats-Pin-Id: " + pin), delivery.headers());
        assertTrue(pinnedAdvisory.payload().contains(pin));

        c.pull(request("_INBOX.other", "{\"batch\":1,\"group\":\"A\",\"expires\":" + 600 * SECOND + "}"), now);
        assertTrue(out.take().isEmpty(), "another client waits while the pin holds");
        c.pull(request("_INBOX.stale", "{\"batch\":1,\"group\":\"A\",\"id\":\"old\"}"), now);
        assertEquals("NATS/1.0 423 Nats-Pin-Id mismatch\r\n\r\n", out.take().get(0).headers());
        c.pull(request("_INBOX.first", "{\"batch\":1,\"group\":\"A\",\"id\":\"" + pin + "\"}"), now);
        assertEquals("_INBOX.first", out.take().get(0).to(), "the pinned client is served");

        now += ConsumerConfigRules.DEFAULT_PINNED_TTL_NANOS;
        c.tick(now);
        List<Sent> after = out.take();
        assertTrue(after.stream().anyMatch(x -> x.to().startsWith("$JS.EVENT.ADVISORY.CONSUMER.UNPINNED.")
                && x.payload().contains("\"reason\":\"timeout\"")), after.toString());
        assertTrue(after.stream().anyMatch(x -> x.to().equals("_INBOX.other")), "the waiting client gets the new pin: " + after);
        assertTrue(!c.pinId().isEmpty() && !c.pinId().equals(pin));
    }

    @Test
    void shouldServeOverflowRequestsOnlyAboveTheirThresholds() {
        for (int i = 0; i < 3; i++) {
            publish("a", "m" + i);
        }
        Consumer c = consumer(priority("overflow"));
        c.pull(request("_INBOX.spill", "{\"batch\":5,\"group\":\"A\",\"min_pending\":5,\"expires\":" + 60 * SECOND + "}"), now);
        assertTrue(out.take().isEmpty(), "3 pending is below min_pending 5");
        publish("a", "m3");
        publish("a", "m4");
        c.onNewMessages(5, now);
        assertEquals(1, out.take().size(), "at 5 pending the overflow takes one, then it is below again");
    }

    @Test
    void shouldServeLowerPriorityNumbersFirst() {
        Consumer c = consumer(priority("prioritized"));
        c.pull(request("_INBOX.p9", "{\"batch\":1,\"group\":\"A\",\"priority\":9,\"expires\":" + 60 * SECOND + "}"), now);
        c.pull(request("_INBOX.p0", "{\"batch\":1,\"group\":\"A\",\"priority\":0,\"expires\":" + 60 * SECOND + "}"), now);
        publish("a", "first");
        c.onNewMessages(1, now);
        assertEquals(List.of("_INBOX.p0"), out.take().stream().map(Sent::to).toList());
        publish("a", "second");
        c.onNewMessages(2, now);
        assertEquals(List.of("_INBOX.p9"), out.take().stream().map(Sent::to).toList());
    }

    @Test
    void shouldRefusePriorityRequestsTheConsumerCannotServe() {
        Consumer plain = consumer(pull("explicit"));
        plain.pull(request("_INBOX.r", "{\"batch\":1,\"min_pending\":3}"), now);
        assertEquals("NATS/1.0 400 Bad Request - Not a Overflow Priority consumer\r\n\r\n", out.take().get(0).headers());
        plain.pull(request("_INBOX.r", "{\"batch\":1,\"id\":\"x\"}"), now);
        assertEquals("NATS/1.0 400 Bad Request - Not a Pinned Client Priority consumer\r\n\r\n", out.take().get(0).headers());
        plain.pull(request("_INBOX.r", "{\"batch\":1,\"priority\":10}"), now);
        assertEquals("NATS/1.0 400 Bad Request - Priority must be between 0 and 9\r\n\r\n", out.take().get(0).headers());
        ConsumerConfig config = priority("overflow");
        config.name = "O";
        config.durable = "O";
        Consumer grouped = consumer(config);
        grouped.pull(request("_INBOX.r", "{\"batch\":1}"), now);
        assertEquals("NATS/1.0 400 Bad Request - Priority Group missing\r\n\r\n", out.take().get(0).headers());
        grouped.pull(request("_INBOX.r", "{\"batch\":1,\"group\":\"B\"}"), now);
        assertEquals("NATS/1.0 400 Bad Request - Invalid Priority Group\r\n\r\n", out.take().get(0).headers());
    }

    @Test
    void shouldCheckPriorityGroupConfigsAsNatsServerDoes() {
        ConsumerConfig noGroups = pull("explicit");
        noGroups.priorityPolicy = "overflow";
        assertEquals(10159, org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> consumer(noGroups)).error().errCode());
        ConsumerConfig noPolicy = pull("explicit");
        noPolicy.priorityGroups = new ArrayList<>(List.of("A"));
        assertEquals(10196, org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> consumer(noPolicy)).error().errCode());
        ConsumerConfig badName = priority("overflow");
        badName.priorityGroups = new ArrayList<>(List.of("has space"));
        assertEquals(10162, org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> consumer(badName)).error().errCode());
        ConsumerConfig push = priority("overflow");
        push.deliverSubject = "d";
        assertEquals(10178, org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> consumer(push)).error().errCode());
    }
}
