package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code DIRECT.GET} with {@code multi_last} (ADR-31), over a jnats connection with raw requests:
 * the last message per matching subject in sequence order, then {@code 204 EOB}.
 */
class DirectGetMultiLastTest {
    private TestServers.Running server;
    private Connection nc;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start();
        nc = server.connect();
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("CFG").subjects("cfg.>").storageType(StorageType.File)
                .allowDirect(true).build());
        JetStream js = nc.jetStream();
        publish(js, "cfg.a", "a1");  // 1
        publish(js, "cfg.b", "b1");  // 2
        publish(js, "cfg.a", "a2");  // 3
        publish(js, "cfg.c.x", "c1"); // 4
        publish(js, "cfg.b", "b2");  // 5
    }

    @AfterEach
    void stop() throws Exception {
        nc.close();
        server.close();
    }

    @Test
    void shouldReturnTheLastMessageOfEveryMatchingSubjectInSequenceOrder() throws Exception {
        List<Message> got = request("{\"multi_last\":[\"cfg.a\",\"cfg.b\",\"cfg.c.>\"]}");
        assertEquals(4, got.size(), "three messages and the EOB");
        assertMessage(got.get(0), "cfg.a", 3, "a2", 2, 0);
        assertMessage(got.get(1), "cfg.c.x", 4, "c1", 1, 3);
        assertMessage(got.get(2), "cfg.b", 5, "b2", 0, 4);
        Message eob = got.get(3);
        assertEquals(204, eob.getStatus().getCode());
        assertEquals("0", eob.getHeaders().getFirst("Nats-Num-Pending"));
        assertEquals("5", eob.getHeaders().getFirst("Nats-Last-Sequence"));
        assertEquals("5", eob.getHeaders().getFirst("Nats-UpTo-Sequence"));
    }

    @Test
    void shouldStopAtUpToSequenceAndAtTheBatchSize() throws Exception {
        List<Message> upTo = request("{\"multi_last\":[\"cfg.>\"],\"up_to_seq\":3}");
        assertEquals(3, upTo.size());
        assertMessage(upTo.get(0), "cfg.b", 2, "b1", 1, 0);
        assertMessage(upTo.get(1), "cfg.a", 3, "a2", 0, 2);
        assertEquals("3", upTo.get(2).getHeaders().getFirst("Nats-UpTo-Sequence"));

        List<Message> batch = request("{\"multi_last\":[\"cfg.>\"],\"batch\":1}");
        assertEquals(2, batch.size(), "one message, then the EOB");
        assertMessage(batch.get(0), "cfg.a", 3, "a2", 2, 0);
        assertEquals("2", batch.get(1).getHeaders().getFirst("Nats-Num-Pending"), "two more were not sent");
    }

    @Test
    void shouldAnswerNoResultsAndBadRequests() throws Exception {
        Message none = request("{\"multi_last\":[\"other.>\"]}").get(0);
        assertEquals(404, none.getStatus().getCode());
        assertEquals("No Results", none.getStatus().getMessage());
        Message conflicting = request("{\"multi_last\":[\"cfg.a\"],\"last_by_subj\":\"cfg.a\"}").get(0);
        assertEquals(408, conflicting.getStatus().getCode());
        Message both = request("{\"multi_last\":[\"cfg.a\"],\"up_to_seq\":2,\"up_to_time\":\"2026-01-01T00:00:00Z\"}").get(0);
        assertEquals(408, both.getStatus().getCode());
        Message early = request("{\"multi_last\":[\"cfg.a\"],\"up_to_time\":\"2000-01-01T00:00:00Z\"}").get(0);
        assertEquals(404, early.getStatus().getCode(), "nothing was stored before that time");
    }

    private static void publish(JetStream js, String subject, String data) throws Exception {
        js.publish(subject, data.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a DIRECT.GET body and collects the answers up to the first status message. */
    private List<Message> request(String body) throws Exception {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        nc.flush(Duration.ofSeconds(2));
        nc.publish("$JS.API.DIRECT.GET.CFG", inbox, body.getBytes(StandardCharsets.UTF_8));
        List<Message> out = new ArrayList<>();
        while (true) {
            Message m = sub.nextMessage(Duration.ofSeconds(2));
            assertNotNull(m, () -> "no answer after " + out.size() + " messages");
            out.add(m);
            if (m.isStatusMessage()) {
                sub.unsubscribe();
                return out;
            }
        }
    }

    private static void assertMessage(Message m, String subject, long seq, String data, long pending, long lastSeq) {
        assertTrue(!m.isStatusMessage(), () -> "a status instead of a message: " + m.getStatus());
        assertEquals(subject, m.getHeaders().getFirst("Nats-Subject"));
        assertEquals(Long.toString(seq), m.getHeaders().getFirst("Nats-Sequence"));
        assertEquals("CFG", m.getHeaders().getFirst("Nats-Stream"));
        assertEquals(data, new String(m.getData(), StandardCharsets.UTF_8));
        assertEquals(Long.toString(pending), m.getHeaders().getFirst("Nats-Num-Pending"));
        assertEquals(Long.toString(lastSeq), m.getHeaders().getFirst("Nats-Last-Sequence"));
        assertNotNull(m.getHeaders().getFirst("Nats-Time-Stamp"));
    }
}
