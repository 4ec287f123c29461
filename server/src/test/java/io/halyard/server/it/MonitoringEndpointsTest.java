package io.halyard.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitoring endpoints against live broker state: jnats clients connect, subscribe and publish,
 * and {@code /varz}, {@code /connz}, {@code /subsz}, {@code /jsz} and {@code /healthz} — read over
 * real HTTP — follow them.
 */
class MonitoringEndpointsTest {
    private static TestServers.Running server;
    private static int http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(o -> o.httpPort = -1);
        http = server.server().monitorPort();
        assertTrue(http > 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void shouldCountConnectionsAndMessagesInVarz() throws Exception {
        JsonNode before = Http.json(http, "/varz");
        assertEquals(server.server().broker().config().serverId, before.get("server_id").asText());
        assertEquals(server.port(), before.get("port").asInt());
        assertEquals(http, before.get("http_port").asInt());
        long inMsgs = before.get("in_msgs").asLong();
        long total = before.get("total_connections").asLong();
        try (Connection a = server.connect(); Connection b = server.connect()) {
            Subscription sub = b.subscribe("varz.test");
            b.flush(Duration.ofSeconds(2));
            for (int i = 0; i < 5; i++) {
                a.publish("varz.test", "hello".getBytes());
            }
            a.flush(Duration.ofSeconds(2));
            for (int i = 0; i < 5; i++) {
                sub.nextMessage(Duration.ofSeconds(2));
            }
            JsonNode during = Http.json(http, "/varz");
            assertTrue(during.get("connections").asInt() >= 2);
            assertEquals(total + 2, during.get("total_connections").asLong());
            assertTrue(during.get("in_msgs").asLong() >= inMsgs + 5);
            assertTrue(during.get("out_msgs").asLong() >= 5);
            assertTrue(during.get("in_bytes").asLong() >= 25);
            assertTrue(during.get("subscriptions").asInt() >= 1);
            assertTrue(during.get("http_req_stats").get("/varz").asLong() >= 2);
            assertTrue(during.has("jetstream") && during.get("jetstream").has("config"));
        }
    }

    @Test
    void shouldListConnectionsWithTheirSubscriptionsAndKeepClosedOnes() throws Exception {
        long cid;
        try (Connection c = server.connect(o -> o.connectionName("watcher"))) {
            c.subscribe("orders.*");
            c.subscribe("jobs.>", "workers");
            c.flush(Duration.ofSeconds(2));
            JsonNode connz = Http.json(http, "/connz?subs=1");
            JsonNode mine = byName(connz, "watcher");
            cid = mine.get("cid").asLong();
            assertEquals(2, mine.get("subscriptions").asInt());
            assertEquals("nats", mine.get("type").asText());
            assertEquals("127.0.0.1", mine.get("ip").asText());
            List<String> subjects = new ArrayList<>();
            mine.get("subscriptions_list").forEach(n -> subjects.add(n.asText()));
            assertTrue(subjects.containsAll(List.of("orders.*", "jobs.>")), subjects.toString());

            JsonNode detail = byName(Http.json(http, "/connz?subs=detail&cid=" + cid), "watcher");
            boolean queue = false;
            for (JsonNode s : detail.get("subscriptions_list_detail")) {
                queue |= "workers".equals(s.path("qgroup").asText()) && "jobs.>".equals(s.get("subject").asText());
            }
            assertTrue(queue, detail.toString());

            JsonNode one = Http.json(http, "/connz?cid=" + cid);
            assertEquals(1, one.get("num_connections").asInt());
            assertEquals(cid, one.get("connections").get(0).get("cid").asLong());
        }
        // The server learns of the close when it reads the socket's end: wait for that, briefly.
        JsonNode open = Http.json(http, "/connz?cid=" + cid);
        for (long deadline = System.nanoTime() + 5_000_000_000L;
             open.get("num_connections").asInt() != 0 && System.nanoTime() < deadline; ) {
            Thread.sleep(10);
            open = Http.json(http, "/connz?cid=" + cid);
        }
        assertEquals(0, open.get("num_connections").asInt(), "closed connection still listed as open");
        JsonNode closed = awaitClosed(cid);
        JsonNode c = closed.get("connections").get(0);
        assertEquals("Client Closed", c.get("reason").asText());
        assertTrue(c.has("stop"));
        assertEquals(2, c.get("subscriptions").asInt());
    }

    @Test
    void shouldSortAndPageConnections() throws Exception {
        try (Connection quiet = server.connect(o -> o.connectionName("quiet"));
             Connection busy = server.connect(o -> o.connectionName("busy"))) {
            for (int i = 0; i < 20; i++) {
                busy.publish("nobody.listens", new byte[10]);
            }
            busy.flush(Duration.ofSeconds(2));
            quiet.flush(Duration.ofSeconds(2));
            JsonNode sorted = Http.json(http, "/connz?sort=msgs_from");
            assertEquals("busy", sorted.get("connections").get(0).path("name").asText());
            JsonNode page = Http.json(http, "/connz?sort=cid&offset=1&limit=1");
            assertEquals(1, page.get("num_connections").asInt());
            assertEquals(1, page.get("offset").asInt());
            assertEquals(1, page.get("limit").asInt());
            assertTrue(page.get("total").asInt() >= 2);
            JsonNode all = Http.json(http, "/connz?sort=cid");
            assertEquals(all.get("connections").get(1).get("cid").asLong(),
                    page.get("connections").get(0).get("cid").asLong());
        }
        HttpResponse<String> bad = Http.get(http, "/connz?sort=bogus");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("invalid sorting option"), bad.body());
        assertEquals(400, Http.get(http, "/connz?sort=stop").statusCode(), "stop is for closed connections only");
    }

    @Test
    void shouldShowSubscriptionsReachedByATestSubject() throws Exception {
        try (Connection c = server.connect(o -> o.connectionName("subsz"))) {
            c.subscribe("subsz.orders.*");
            c.subscribe("subsz.other");
            c.flush(Duration.ofSeconds(2));
            JsonNode subsz = Http.json(http, "/subsz?subs=1&test=subsz.orders.new");
            assertEquals(1, subsz.get("total").asInt(), subsz.toString());
            JsonNode s = subsz.get("subscriptions_list").get(0);
            assertEquals("subsz.orders.*", s.get("subject").asText());
            assertEquals("$G", s.get("account").asText());
            assertTrue(Http.json(http, "/subsz").get("num_subscriptions").asInt() >= 2);
        }
        JsonNode after = Http.json(http, "/subsz?subs=1&test=subsz.orders.new");
        assertEquals(0, after.get("total").asInt(), "subscription of a closed client still listed");
        assertEquals(400, Http.get(http, "/subsz?test=bad.*").statusCode());
    }

    @Test
    void shouldReportStreamsInJsz() throws Exception {
        try (Connection c = server.connect()) {
            JetStreamManagement jsm = c.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("JSZ").subjects("jsz.>").storageType(StorageType.File).build());
            for (int i = 0; i < 3; i++) {
                c.jetStream().publish("jsz.x", ("m" + i).getBytes());
            }
            JsonNode jsz = Http.json(http, "/jsz");
            assertTrue(jsz.get("streams").asInt() >= 1);
            assertTrue(jsz.get("messages").asLong() >= 3);
            assertTrue(jsz.get("storage").asLong() > 0);
            assertTrue(jsz.get("api").get("total").asLong() >= 1, "the stream create went through the API");
            try {
                jsm.getStreamInfo("NO_SUCH_STREAM");
            } catch (io.nats.client.JetStreamApiException expected) {
                // counted as an error response
            }
            assertTrue(Http.json(http, "/jsz").get("api").get("errors").asLong() >= 1);
            JsonNode detailed = Http.json(http, "/jsz?streams=true&config=true");
            JsonNode stream = null;
            for (JsonNode s : detailed.get("account_details").get(0).get("stream_detail")) {
                if (s.get("name").asText().equals("JSZ")) {
                    stream = s;
                }
            }
            assertTrue(stream != null, detailed.toString());
            assertEquals(3, stream.get("state").get("messages").asLong());
            assertEquals(3, stream.get("state").get("last_seq").asLong());
            assertEquals("jsz.>", stream.get("config").get("subjects").get(0).asText());
            jsm.deleteStream("JSZ");
        }
    }

    @Test
    void shouldAnswerHealthzAndTheIndex() throws Exception {
        HttpResponse<String> ok = Http.get(http, "/healthz");
        assertEquals(200, ok.statusCode());
        assertEquals("ok", Http.parse(ok.body()).get("status").asText());
        assertEquals(200, Http.get(http, "/healthz?js-enabled-only=true").statusCode());
        assertEquals(200, Http.get(http, "/healthz?js-server-only=true").statusCode());
        HttpResponse<String> index = Http.get(http, "/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("./varz") && index.body().contains("./metrics"));
        HttpResponse<String> missing = Http.get(http, "/nope");
        assertEquals(404, missing.statusCode());
    }

    @Test
    void shouldFailHealthzWhenJetStreamIsRequiredButOff() throws Exception {
        try (TestServers.Running noJs = TestServers.start(o -> {
            o.httpPort = -1;
            o.jetStream = false;
        })) {
            int port = noJs.server().monitorPort();
            assertEquals(200, Http.get(port, "/healthz").statusCode());
            HttpResponse<String> r = Http.get(port, "/healthz?js-enabled-only=true");
            assertEquals(503, r.statusCode());
            JsonNode body = Http.parse(r.body());
            assertEquals("unavailable", body.get("status").asText());
            assertEquals(503, body.get("status_code").asInt());
            assertFalse(body.get("error").asText().isEmpty());
            assertTrue(Http.json(port, "/jsz").get("disabled").asBoolean());
        }
    }

    private static JsonNode byName(JsonNode connz, String name) {
        for (JsonNode c : connz.get("connections")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no connection named " + name + " in " + connz);
    }

    /** The closed connection {@code cid}, once the server has noticed the close. */
    private static JsonNode awaitClosed(long cid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            JsonNode closed = Http.json(http, "/connz?state=closed&cid=" + cid);
            if (closed.get("num_connections").asInt() == 1 || System.nanoTime() > deadline) {
                assertEquals(1, closed.get("num_connections").asInt(), closed.toString());
                return closed;
            }
            Thread.sleep(20);
        }
    }
}
