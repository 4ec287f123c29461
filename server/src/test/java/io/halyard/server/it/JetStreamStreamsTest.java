package io.halyard.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.PurgeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JetStream streams and publishing over real sockets with jnats' JetStreamManagement and JetStream. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JetStreamStreamsTest extends JetStreamTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StreamConfiguration.Builder stream(String name, String... subjects) {
        return StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.File);
    }

    private JsonNode api(String subject, String body) throws Exception {
        Message reply = nc.request(subject, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
        return JSON.readTree(reply.getData());
    }

    private static int apiErrorCode(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(JetStreamApiException.class, call).getApiErrorCode();
    }

    @Test
    void shouldAdvertiseJetStreamAndAnswerAccountInfo() throws Exception {
        assertTrue(nc.getServerInfo().isJetStreamAvailable());
        jsm.addStream(stream("ORDERS", "orders.>").build());
        var stats = jsm.getAccountStatistics();
        assertEquals(1, stats.getStreams());
        JsonNode raw = api("$JS.API.INFO", null);
        assertEquals("io.nats.jetstream.api.v1.account_info_response", raw.get("type").asText());
        assertEquals(-1, raw.get("limits").get("max_streams").asInt());
    }

    @Test
    void shouldCreateInfoAndRepeatACreateWithTheSameConfig() throws Exception {
        StreamInfo created = jsm.addStream(stream("ORDERS", "orders.*").maxMessages(100).build());
        assertEquals("ORDERS", created.getConfiguration().getName());
        assertEquals(List.of("orders.*"), created.getConfiguration().getSubjects());
        assertEquals(100, created.getConfiguration().getMaxMsgs());
        assertEquals(Duration.ofMinutes(2), created.getConfiguration().getDuplicateWindow());
        assertEquals(0, created.getStreamState().getMsgCount());
        // The same config again is not an error; a different one is 10058.
        jsm.addStream(stream("ORDERS", "orders.*").maxMessages(100).build());
        assertEquals(10058, apiErrorCode(() -> jsm.addStream(stream("ORDERS", "orders.*").maxMessages(5).build())));
        assertEquals(10065, apiErrorCode(() -> jsm.addStream(stream("OTHER", "orders.new").build())));
        assertEquals(10059, apiErrorCode(() -> jsm.getStreamInfo("MISSING")));
    }

    @Test
    void shouldDefaultTheSubjectToTheName() throws Exception {
        StreamInfo info = jsm.addStream(StreamConfiguration.builder().name("EVENTS").storageType(StorageType.Memory).build());
        assertEquals(List.of("EVENTS"), info.getConfiguration().getSubjects());
        assertEquals(StorageType.Memory, info.getConfiguration().getStorageType());
        assertEquals(1, js.publish("EVENTS", "x".getBytes()).getSeqno());
    }

    @Test
    void shouldRejectBadRequestsWithNatsErrorCodes() throws Exception {
        assertEquals(10025, api("$JS.API.STREAM.CREATE.X", "{not json").get("error").get("err_code").asInt());
        assertEquals(10056, api("$JS.API.STREAM.CREATE.X", "{\"name\":\"Y\"}").get("error").get("err_code").asInt());
        JsonNode invalid = api("$JS.API.STREAM.CREATE.X", "{\"name\":\"X\",\"subjects\":[\"a.>\",\"a.b\"]}");
        assertEquals(10052, invalid.get("error").get("err_code").asInt());
        assertEquals("subject \"a.>\" overlaps with \"a.b\"", invalid.get("error").get("description").asText());
        assertEquals(10052, api("$JS.API.STREAM.CREATE.X", "{\"name\":\"X\",\"max_age\":5}").get("error").get("err_code").asInt());
        assertEquals(10074, api("$JS.API.STREAM.CREATE.X", "{\"name\":\"X\",\"num_replicas\":3}").get("error").get("err_code").asInt());
        JsonNode response = api("$JS.API.STREAM.INFO.NOPE", null);
        assertEquals("io.nats.jetstream.api.v1.stream_info_response", response.get("type").asText());
        assertEquals(404, response.get("error").get("code").asInt());
        assertEquals("stream not found", response.get("error").get("description").asText());
    }

    @Test
    void shouldUpdateWhatMayChangeAndRefuseTheRest() throws Exception {
        jsm.addStream(stream("S", "s.>").build());
        StreamInfo updated = jsm.updateStream(stream("S", "s.>", "t.>").maxMessages(10).build());
        assertEquals(10, updated.getConfiguration().getMaxMsgs());
        js.publish("t.1", new byte[0]);
        assertEquals(10052, apiErrorCode(() -> jsm.updateStream(stream("S", "s.>").storageType(StorageType.Memory).build())));
        assertEquals(10059, apiErrorCode(() -> jsm.updateStream(stream("NOPE", "n").build())));
    }

    @Test
    void shouldListNamesWithASubjectFilterAndDelete() throws Exception {
        jsm.addStream(stream("A", "a.>").build());
        jsm.addStream(stream("B", "b.>").build());
        jsm.addStream(stream("C", "c.1").build());
        assertEquals(List.of("A", "B", "C"), jsm.getStreamNames());
        assertEquals(List.of("B"), jsm.getStreamNames("b.x"));
        assertEquals(3, jsm.getStreams().size());
        JsonNode paged = api("$JS.API.STREAM.NAMES", "{\"offset\":2}");
        assertEquals(3, paged.get("total").asInt());
        assertEquals("C", paged.get("streams").get(0).asText());
        assertTrue(jsm.deleteStream("B"));
        assertEquals(List.of("A", "C"), jsm.getStreamNames());
        assertEquals(10059, apiErrorCode(() -> jsm.deleteStream("B")));
    }

    @Test
    void shouldPublishAndAckWithSequences() throws Exception {
        jsm.addStream(stream("ORDERS", "orders.>").build());
        PublishAck first = js.publish("orders.1", "one".getBytes());
        assertEquals("ORDERS", first.getStream());
        assertEquals(1, first.getSeqno());
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            acks.add(js.publishAsync("orders." + (i % 7), ("m" + i).getBytes()));
        }
        for (int i = 0; i < acks.size(); i++) {
            assertEquals(i + 2, acks.get(i).get(5, TimeUnit.SECONDS).getSeqno());
        }
        assertEquals(501, jsm.getStreamInfo("ORDERS").getStreamState().getMsgCount());
    }

    @Test
    void shouldDeduplicateByMsgIdWithinTheWindow() throws Exception {
        jsm.addStream(stream("D", "d").build());
        PublishOptions id = PublishOptions.builder().messageId("abc").build();
        PublishAck a = js.publish("d", "1".getBytes(), id);
        PublishAck b = js.publish("d", "2".getBytes(), id);
        assertFalse(a.isDuplicate());
        assertTrue(b.isDuplicate());
        assertEquals(a.getSeqno(), b.getSeqno());
        assertEquals(1, jsm.getStreamInfo("D").getStreamState().getMsgCount());
    }

    @Test
    void shouldCheckExpectations() throws Exception {
        jsm.addStream(stream("E", "e.>").build());
        js.publish("e.a", new byte[0], PublishOptions.builder().messageId("m1").build());
        js.publish("e.b", new byte[0]);
        assertEquals(10060, apiErrorCode(() -> js.publish("e.a", new byte[0], PublishOptions.builder().expectedStream("X").build())));
        assertEquals(10071, apiErrorCode(() -> js.publish("e.a", new byte[0], PublishOptions.builder().expectedLastSequence(1).build())));
        assertEquals(10071, apiErrorCode(() -> js.publish("e.a", new byte[0], PublishOptions.builder().expectedLastSubjectSequence(2).build())));
        JetStreamApiException wrongId = assertThrows(JetStreamApiException.class,
                () -> js.publish("e.a", new byte[0], PublishOptions.builder().expectedLastMsgId("m1").build()));
        assertEquals(10070, wrongId.getApiErrorCode());
        assertEquals(3, js.publish("e.a", new byte[0], PublishOptions.builder().expectedStream("E").expectedLastSequence(2)
                .expectedLastSubjectSequence(1).build()).getSeqno());
    }

    @Test
    void shouldRejectByLimits() throws Exception {
        jsm.addStream(stream("L", "l").maxMessages(1).discardPolicy(DiscardPolicy.New).maximumMessageSize(10).build());
        js.publish("l", "ok".getBytes());
        JetStreamApiException full = assertThrows(JetStreamApiException.class, () -> js.publish("l", "x".getBytes()));
        assertEquals(10077, full.getApiErrorCode());
        assertTrue(full.getMessage().contains("maximum messages exceeded"), full.getMessage());
        assertEquals(10054, apiErrorCode(() -> js.publish("l", new byte[11])));
    }

    @Test
    void shouldAnswerNoRespondersWhenNoStreamCaptures() {
        Exception e = assertThrows(Exception.class, () -> js.publish("nobody.home", new byte[0]));
        assertTrue(String.valueOf(e.getMessage()).contains("503"), e.toString());
    }

    @Test
    void shouldGetAndDeleteMessages() throws Exception {
        jsm.addStream(stream("G", "g.>").build());
        js.publish("g.a", "1".getBytes());
        js.publish(NatsMessage.builder().subject("g.b").data("2".getBytes()).headers(new Headers().add("k", "v")).build());
        js.publish("g.a", "3".getBytes());
        MessageInfo second = jsm.getMessage("G", 2);
        assertEquals("g.b", second.getSubject());
        assertArrayEquals("2".getBytes(), second.getData());
        assertEquals("v", second.getHeaders().getFirst("k"));
        assertEquals(3, jsm.getLastMessage("G", "g.a").getSeq());
        assertEquals(3, jsm.getNextMessage("G", 2, "g.a").getSeq());
        assertEquals(1, jsm.getFirstMessage("G", "g.a").getSeq());
        assertTrue(jsm.deleteMessage("G", 2));
        assertEquals(10037, apiErrorCode(() -> jsm.getMessage("G", 2)));
        assertEquals(10043, apiErrorCode(() -> jsm.deleteMessage("G", 2)));
        StreamInfo info = jsm.getStreamInfo("G", StreamInfoOptions.builder().deletedDetails().allSubjects().build());
        assertEquals(List.of(2L), info.getStreamState().getDeleted());
        assertEquals(1, info.getStreamState().getSubjects().size());
        assertEquals(2, info.getStreamState().getMsgCount());
    }

    @Test
    void shouldPurgeAllByFilterAndKeep() throws Exception {
        jsm.addStream(stream("P", "p.>").build());
        for (int i = 0; i < 10; i++) {
            js.publish("p." + (i % 2), new byte[0]);
        }
        assertEquals(5, jsm.purgeStream("P", PurgeOptions.subject("p.0")).getPurged());
        assertEquals(3, jsm.purgeStream("P", PurgeOptions.builder().keep(2).build()).getPurged());
        assertEquals(2, jsm.purgeStream("P").getPurged());
        assertEquals(11, js.publish("p.0", new byte[0]).getSeqno());
    }

    @Test
    void shouldServeDirectGets() throws Exception {
        jsm.addStream(stream("KV", "kv.>").allowDirect(true).build());
        js.publish("kv.a", "1".getBytes());
        js.publish("kv.a", "2".getBytes());
        // jnats reads a direct stream with DIRECT.GET.
        assertArrayEquals("2".getBytes(), jsm.getLastMessage("KV", "kv.a").getData());
        assertEquals(1, jsm.getMessage("KV", 1).getSeq());
        assertEquals(10037, apiErrorCode(() -> jsm.getLastMessage("KV", "kv.none")));
        Message m = nc.request("$JS.API.DIRECT.GET.KV.kv.a", new byte[0], Duration.ofSeconds(5));
        assertEquals("KV", m.getHeaders().getFirst("Nats-Stream"));
        assertEquals("kv.a", m.getHeaders().getFirst("Nats-Subject"));
        assertEquals("2", m.getHeaders().getFirst("Nats-Sequence"));
        assertNotNull(m.getHeaders().getFirst("Nats-Time-Stamp"));
        Message missing = nc.request("$JS.API.DIRECT.GET.KV", "{\"seq\":99}".getBytes(), Duration.ofSeconds(5));
        assertEquals(404, missing.getStatus().getCode());
    }

    @Test
    void shouldKeepStreamsAndMessagesAcrossARestart() throws Exception {
        Path dir = Files.createTempDirectory("halyard-js-restart");
        try {
            try (var first = TestServers.start(o -> o.storeDir = dir); Connection c = first.connect()) {
                c.jetStreamManagement().addStream(stream("R", "r.>").build());
                c.jetStreamManagement().addStream(StreamConfiguration.builder().name("MEM").storageType(StorageType.Memory).build());
                for (int i = 0; i < 20; i++) {
                    c.jetStream().publish("r." + i, ("v" + i).getBytes(), PublishOptions.builder().messageId("id" + i).build());
                }
            }
            try (var second = TestServers.start(o -> o.storeDir = dir); Connection c = second.connect()) {
                JetStreamManagement m = c.jetStreamManagement();
                assertEquals(List.of("R"), m.getStreamNames()); // memory streams do not survive
                assertEquals(20, m.getStreamInfo("R").getStreamState().getMsgCount());
                assertArrayEquals("v7".getBytes(), m.getMessage("R", 8).getData());
                // The duplicate window is rebuilt from the stored messages.
                assertTrue(c.jetStream().publish("r.0", new byte[0], PublishOptions.builder().messageId("id0").build()).isDuplicate());
                assertEquals(21, c.jetStream().publish("r.x", new byte[0]).getSeqno());
                assertTrue(m.deleteStream("R"));
            }
            assertFalse(Files.exists(dir.resolve("jetstream/$G/streams/R")));
        } finally {
            TestServers.deleteTree(dir);
        }
    }

    @Test
    void shouldAnswerNoRespondersWhenJetStreamIsDisabled() throws Exception {
        try (var off = TestServers.start(o -> o.jetStream = false); Connection c = off.connect()) {
            assertFalse(c.getServerInfo().isJetStreamAvailable());
            // A status reply reaches a plain subscription on the inbox (a request would swallow it).
            io.nats.client.Subscription inbox = c.subscribe("reply.inbox");
            c.publish("$JS.API.INFO", "reply.inbox", new byte[0]);
            Message reply = inbox.nextMessage(Duration.ofSeconds(5));
            assertNotNull(reply);
            assertEquals(503, reply.getStatus().getCode());
        }
    }
}
