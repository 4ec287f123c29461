package io.halyard.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitoring JSON's field names against a real nats-server (skipped when it is not installed):
 * the same client does the same thing on both, and every key nats-server's {@code /varz},
 * {@code /connz}, {@code /subsz}, {@code /jsz} and {@code /healthz} show must be in Halyard's too,
 * except the few listed with the reason Halyard has no such value.
 */
class MonitoringConformanceTest {
    /** nats-server's system account: Halyard has no accounts yet. */
    private static final Set<String> VARZ_NOT_IN_HALYARD = Set.of("system_account");

    @Test
    void shouldUseNatsServersFieldNames() throws Exception {
        int natsHttp = NatsServerProcess.freePort();
        try (NatsServerProcess nats = NatsServerProcess.startOrSkip("-js", "-sd",
                java.nio.file.Files.createTempDirectory("nats-js-").toString(), "-m", Integer.toString(natsHttp));
             TestServers.Running halyard = TestServers.start(o -> o.httpPort = -1)) {
            int halyardHttp = halyard.server().monitorPort();
            try (Connection toNats = Nats.connect(TestServers.clientOptions(nats.url()).connectionName("c").build());
                 Connection toHalyard = halyard.connect(o -> o.connectionName("c"))) {
                for (Connection c : new Connection[] {toNats, toHalyard}) {
                    c.subscribe("conf.*", "q");
                    c.publish("conf.x", "hi".getBytes());
                    c.flush(Duration.ofSeconds(2));
                }
                assertKeys("/varz", Http.json(natsHttp, "/varz"), Http.json(halyardHttp, "/varz"), VARZ_NOT_IN_HALYARD);
                JsonNode natsConnz = Http.json(natsHttp, "/connz?subs=1");
                JsonNode halyardConnz = Http.json(halyardHttp, "/connz?subs=1");
                assertKeys("/connz", natsConnz, halyardConnz, Set.of());
                assertKeys("/connz connection", natsConnz.get("connections").get(0),
                        halyardConnz.get("connections").get(0), Set.of());
                JsonNode natsDetail = Http.json(natsHttp, "/connz?subs=detail").get("connections").get(0)
                        .get("subscriptions_list_detail").get(0);
                JsonNode halyardDetail = Http.json(halyardHttp, "/connz?subs=detail").get("connections").get(0)
                        .get("subscriptions_list_detail").get(0);
                assertKeys("/connz subscription", natsDetail, halyardDetail, Set.of());
                JsonNode natsSubsz = Http.json(natsHttp, "/subsz?subs=1&test=conf.x");
                JsonNode halyardSubsz = Http.json(halyardHttp, "/subsz?subs=1&test=conf.x");
                assertKeys("/subsz", natsSubsz, halyardSubsz, Set.of());
                assertKeys("/subsz subscription", natsSubsz.get("subscriptions_list").get(0),
                        halyardSubsz.get("subscriptions_list").get(0), Set.of());
                assertEquals(natsSubsz.get("total").asInt(), halyardSubsz.get("total").asInt());
                assertKeys("/jsz", Http.json(natsHttp, "/jsz"), Http.json(halyardHttp, "/jsz"), Set.of());
                assertKeys("/healthz", Http.json(natsHttp, "/healthz"), Http.json(halyardHttp, "/healthz"), Set.of());
            }
        }
    }

    private static void assertKeys(String what, JsonNode nats, JsonNode halyard, Set<String> exceptions) {
        Set<String> missing = new TreeSet<>();
        nats.fieldNames().forEachRemaining(k -> {
            if (!halyard.has(k) && !exceptions.contains(k)) {
                missing.add(k);
            }
        });
        assertTrue(missing.isEmpty(), what + ": nats-server has " + missing + " that Halyard lacks; Halyard: " + halyard);
    }
}
