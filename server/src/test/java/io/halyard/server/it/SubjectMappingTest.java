package io.halyard.server.it;

import io.halyard.server.config.ConfigLoader;
import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nats-server's {@code mappings} block, from config text to what jnats clients see: a message
 * published to a mapped subject is routed and delivered under its destination, requests and
 * JetStream captures follow the mapping, weights split traffic, and the mapping functions work.
 */
class SubjectMappingTest {
    private static final String CONFIG = """
            mappings: {
              orders.new: orders.incoming
              "req.*.*": "svc.$2.{{wildcard(1)}}"
              "part.*": "shard.{{partition(3,1)}}.$1"
              "code.*": "code.{{splitFromLeft(1,2)}}"
              canary: [
                {destination: canary.v1, weight: 80%}
                {destination: canary.v2, weight: 20}
              ]
              half: [ {destination: half.moved, weight: "50"} ]
              nowhere: [ {destination: nowhere, weight: 0}, {destination: nowhere.a, weight: 10} ]
              js.in: js.stored
              "lonely.*": "nobody.$1"
            }
            """;

    private static TestServers.Running server;
    private static Connection nc;

    @BeforeAll
    static void start() throws Exception {
        ServerOptions parsed = ConfigLoader.loadString(CONFIG, Map.of());
        server = TestServers.start(o -> o.mappings = parsed.mappings);
        nc = server.connect();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nc != null) {
            nc.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeliverUnderTheDestinationAndNotTheSource() throws Exception {
        Subscription incoming = nc.subscribe("orders.incoming");
        Subscription original = nc.subscribe("orders.new");
        nc.flush(Duration.ofSeconds(2));
        nc.publish("orders.new", bytes("o-1"));
        Message m = incoming.nextMessage(Duration.ofSeconds(2));
        assertEquals("orders.incoming", m.getSubject());
        assertEquals("o-1", new String(m.getData(), StandardCharsets.UTF_8));
        assertNull(original.nextMessage(Duration.ofMillis(200)), "nothing stays on the mapped subject");
        // Other subjects pass untouched.
        nc.publish("orders.incoming", bytes("o-2"));
        assertEquals("o-2", new String(incoming.nextMessage(Duration.ofSeconds(2)).getData(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldApplyWildcardsAndMappingFunctions() throws Exception {
        Subscription svc = nc.subscribe("svc.>");
        Subscription shards = nc.subscribe("shard.>");
        Subscription codes = nc.subscribe("code.>");
        nc.flush(Duration.ofSeconds(2));
        nc.publish("req.eu.orders", bytes("x"));
        assertEquals("svc.orders.eu", svc.nextMessage(Duration.ofSeconds(2)).getSubject());
        nc.publish("part.foo", bytes("x"));
        nc.publish("part.bar", bytes("x"));
        // FNV-1a of the token modulo 3, as nats-server partitions: foo -> 0, bar -> 2.
        assertEquals("shard.0.foo", shards.nextMessage(Duration.ofSeconds(2)).getSubject());
        assertEquals("shard.2.bar", shards.nextMessage(Duration.ofSeconds(2)).getSubject());
        nc.publish("code.AB1234", bytes("x"));
        assertEquals("code.AB.1234", codes.nextMessage(Duration.ofSeconds(2)).getSubject());
    }

    @Test
    void shouldRouteRequestsThroughTheMappingWithTheReplyUnchanged() throws Exception {
        try (var d = new AutoDispatcher(nc, "svc.echo.v2")) {
            Message reply = nc.request("req.v2.echo", bytes("ping"), Duration.ofSeconds(2));
            assertEquals("pong:svc.echo.v2", new String(reply.getData(), StandardCharsets.UTF_8));
        }
        // A mapped request nobody serves gets no-responders, as any other (jnats cancels its future).
        CompletableFuture<Message> none = nc.request("lonely.one", bytes("ping"));
        assertThrows(CancellationException.class, () -> none.get(2, TimeUnit.SECONDS));
    }

    @Test
    void shouldSplitByWeight() throws Exception {
        Subscription v1 = nc.subscribe("canary.v1");
        Subscription v2 = nc.subscribe("canary.v2");
        Subscription self = nc.subscribe("canary");
        Subscription half = nc.subscribe("half");
        Subscription moved = nc.subscribe("half.moved");
        nc.flush(Duration.ofSeconds(2));
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            nc.publish("canary", bytes("c"));
            nc.publish("half", bytes("h"));
        }
        nc.flush(Duration.ofSeconds(5));
        Map<String, Integer> counts = new HashMap<>();
        for (Subscription s : new Subscription[] {v1, v2, self, half, moved}) {
            int c = 0;
            while (s.nextMessage(Duration.ofMillis(300)) != null) {
                c++;
            }
            counts.put(s.getSubject(), c);
        }
        assertEquals(n, counts.get("canary.v1") + counts.get("canary.v2"), counts.toString());
        assertEquals(0, counts.get("canary"), "weights of 100 leave nothing on the source: " + counts);
        assertTrue(counts.get("canary.v2") > n * 12 / 100 && counts.get("canary.v2") < n * 28 / 100, counts.toString());
        // Weights under 100: the rest stays on the published subject.
        assertEquals(n, counts.get("half") + counts.get("half.moved"), counts.toString());
        assertTrue(counts.get("half.moved") > n * 40 / 100 && counts.get("half.moved") < n * 60 / 100, counts.toString());
    }

    @Test
    void shouldDropWhatAWeightedChoiceSendsNowhere() throws Exception {
        // The source listed with weight 0 and 10 % elsewhere: 90 % of the picks find no destination.
        Subscription self = nc.subscribe("nowhere");
        Subscription a = nc.subscribe("nowhere.a");
        nc.flush(Duration.ofSeconds(2));
        for (int i = 0; i < 500; i++) {
            nc.publish("nowhere", bytes("n"));
        }
        nc.flush(Duration.ofSeconds(5));
        int selfCount = 0;
        while (self.nextMessage(Duration.ofMillis(200)) != null) {
            selfCount++;
        }
        int aCount = 0;
        while (a.nextMessage(Duration.ofMillis(200)) != null) {
            aCount++;
        }
        assertEquals(0, selfCount);
        assertTrue(aCount > 10 && aCount < 110, "about 10 % reach nowhere.a: " + aCount);
        assertTrue(nc.getStatus() == Connection.Status.CONNECTED);
    }

    @Test
    void shouldLetStreamsCaptureTheMappedSubject() throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("MAPPED").subjects("js.stored").storageType(StorageType.File)
                .build());
        JetStream js = nc.jetStream();
        PublishAck ack = js.publish("js.in", bytes("kept"));
        assertEquals("MAPPED", ack.getStream());
        assertEquals("js.stored", jsm.getMessage("MAPPED", ack.getSeqno()).getSubject());
        jsm.deleteStream("MAPPED");
    }

    /** Answers requests on a subject with "pong:" and the subject it got them on. */
    private static final class AutoDispatcher implements AutoCloseable {
        private final io.nats.client.Dispatcher dispatcher;
        private final Connection nc;

        AutoDispatcher(Connection nc, String subject) throws Exception {
            this.nc = nc;
            dispatcher = nc.createDispatcher(m -> nc.publish(m.getReplyTo(), bytes("pong:" + m.getSubject())));
            dispatcher.subscribe(subject);
            nc.flush(Duration.ofSeconds(2));
        }

        @Override
        public void close() {
            nc.closeDispatcher(dispatcher);
        }
    }
}
