package io.halyard.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.JetStream;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /metrics}, parsed by a strict text-format parser, follows what jnats clients do: core
 * counters, streams, a pull consumer, the fsync histogram and JVM metrics.
 */
class PrometheusMetricsTest {

    @Test
    void shouldExposeBrokerStreamFsyncAndJvmMetrics() throws Exception {
        try (TestServers.Running server = TestServers.start(o -> o.httpPort = -1)) {
            int http = server.server().monitorPort();
            PrometheusText before = scrape(http);
            assertEquals(0, before.value("halyard_connections"));
            assertEquals("counter", before.types.get("halyard_in_messages_total"));
            double fsyncsBefore = before.value("halyard_store_fsync_seconds_count");
            try (Connection pub = server.connect(); Connection sub = server.connect()) {
                Subscription s = sub.subscribe("metrics.x");
                sub.flush(Duration.ofSeconds(2));
                for (int i = 0; i < 7; i++) {
                    pub.publish("metrics.x", new byte[100]);
                }
                pub.flush(Duration.ofSeconds(2));
                for (int i = 0; i < 7; i++) {
                    s.nextMessage(Duration.ofSeconds(2));
                }
                pub.jetStreamManagement().addStream(StreamConfiguration.builder().name("M").subjects("m.>")
                        .storageType(StorageType.File).build());
                JetStream js = pub.jetStream();
                for (int i = 0; i < 4; i++) {
                    js.publish("m." + i, new byte[10]);
                }
                PrometheusText during = scrape(http);
                assertEquals(2, during.value("halyard_connections"));
                assertEquals(2, during.value("halyard_connections_accepted_total"));
                assertTrue(during.value("halyard_subscriptions") >= 1);
                // 7 plain publishes, 4 JetStream publishes, and the stream-create request.
                assertEquals(12, during.value("halyard_in_messages_total"));
                assertTrue(during.value("halyard_in_bytes_total") >= 7 * 100 + 4 * 10);
                assertTrue(during.value("halyard_out_messages_total") >= 7 + 4);
                assertEquals(0, during.value("halyard_slow_consumers_total"));
                Map<String, String> stream = Map.of("stream", "M", "storage", "file");
                assertEquals(4, during.value("halyard_stream_messages", stream));
                assertEquals(1, during.value("halyard_stream_first_seq", stream));
                assertEquals(4, during.value("halyard_stream_last_seq", stream));
                assertTrue(during.value("halyard_stream_bytes", stream) > 40);
                // A mirror of M: its lag comes down to 0 once it has copied the 4 messages.
                pub.jetStreamManagement().addStream(StreamConfiguration.builder().name("M2").storageType(StorageType.File)
                        .mirror(io.nats.client.api.Mirror.builder().sourceName("M").build()).build());
                Map<String, String> lag = Map.of("stream", "M2", "origin", "M", "kind", "mirror");
                long lagDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (scrape(http).value("halyard_stream_copy_lag", lag) != 0 && System.nanoTime() < lagDeadline) {
                    Thread.sleep(20);
                }
                assertEquals(0, scrape(http).value("halyard_stream_copy_lag", lag));
                pub.jetStreamManagement().deleteStream("M2");
                assertTrue(during.value("halyard_store_fsync_seconds_count") > fsyncsBefore, "fsyncs not counted");
                assertTrue(during.value("halyard_store_fsync_seconds_sum") > 0);
                assertTrue(during.types.containsKey("jvm_memory_used_bytes"), "no JVM metrics");
                assertEquals(0, during.value("halyard_lame_duck_mode"));

                // A durable pull consumer: 4 pending; after fetching 2 without acks, 2 and 2 ack-pending.
                pub.jetStreamManagement().addOrUpdateConsumer("M", ConsumerConfiguration.builder().durable("C").build());
                Map<String, String> consumer = Map.of("stream", "M", "consumer", "C");
                assertEquals(4, scrape(http).value("halyard_consumer_pending", consumer));
                JetStreamSubscription pull = js.subscribe(null, PullSubscribeOptions.bind("M", "C"));
                assertEquals(2, pull.fetch(2, Duration.ofSeconds(2)).size());
                PrometheusText fetched = scrape(http);
                assertEquals(2, fetched.value("halyard_consumer_pending", consumer));
                assertEquals(2, fetched.value("halyard_consumer_ack_pending", consumer));
                assertEquals(0, fetched.value("halyard_consumer_redelivered", consumer));
                JsonNode jsz = Http.json(http, "/jsz?consumers=true");
                assertEquals(1, jsz.get("consumers").asInt());
                JsonNode c = jsz.get("account_details").get(0).get("stream_detail").get(0).get("consumer_detail").get(0);
                assertEquals("C", c.get("name").asText());
                assertEquals(2, c.get("num_ack_pending").asInt());
            }
        }
    }

    @Test
    void parserShouldRejectMalformedExpositions() {
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("x 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE x gauge\nx{a=\"b} 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE x gauge\nx one\n"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE x gauge\nx 1"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(
                "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n"));
        PrometheusText ok = PrometheusText.parse("# HELP x A gauge.\n# TYPE x gauge\nx{a=\"q\\\"uote\"} 1.5\n");
        assertEquals(1.5, ok.value("x", Map.of("a", "q\\\"uote")));
    }

    private static PrometheusText scrape(int http) throws Exception {
        HttpResponse<String> r = Http.get(http, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        return PrometheusText.parse(r.body());
    }
}
