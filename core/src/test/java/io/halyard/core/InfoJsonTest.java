package io.halyard.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.halyard.core.auth.Authenticator;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The INFO JSON, checked against what Jackson's ObjectMapper wrote for the same fields before. */
class InfoJsonTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** The map the broker used to give Jackson, field by field, in nats-server's order. */
    private static Map<String, Object> asJacksonMap(BrokerConfig c, ListenerInfo l, long cid, String ip) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("server_id", c.serverId);
        info.put("server_name", c.serverName);
        info.put("version", Broker.NATS_COMPATIBLE_VERSION);
        info.put("halyard_version", Broker.HALYARD_VERSION);
        info.put("proto", 1);
        info.put("go", "halyard");
        info.put("host", l.host());
        info.put("port", l.port());
        info.put("headers", true);
        if (c.authenticator.required()) {
            info.put("auth_required", true);
        }
        if (l.tlsRequired()) {
            info.put("tls_required", true);
        }
        if (c.tlsVerify) {
            info.put("tls_verify", true);
        }
        if (l.tlsAvailable()) {
            info.put("tls_available", true);
        }
        info.put("max_payload", c.maxPayload);
        if (c.jetStream) {
            info.put("jetstream", true);
        }
        info.put("client_id", cid);
        if (ip != null) {
            info.put("client_ip", ip);
        }
        return info;
    }

    @Test
    void shouldWriteTheDefaultInfoInNatsServersFieldOrder() {
        BrokerConfig c = new BrokerConfig();
        c.serverId = "NABC";
        c.serverName = "hub";
        String json = InfoJson.of(c, new ListenerInfo("0.0.0.0", 4222, false, false), 7, "127.0.0.1");
        assertEquals("{\"server_id\":\"NABC\",\"server_name\":\"hub\",\"version\":\"" + Broker.NATS_COMPATIBLE_VERSION
                + "\",\"halyard_version\":\"" + Broker.HALYARD_VERSION + "\",\"proto\":1,\"go\":\"halyard\","
                + "\"host\":\"0.0.0.0\",\"port\":4222,\"headers\":true,\"max_payload\":1048576,\"client_id\":7,"
                + "\"client_ip\":\"127.0.0.1\"}", json);
    }

    @Test
    void shouldWriteWhatJacksonWroteWithEveryOptionalFieldSet() throws Exception {
        BrokerConfig c = new BrokerConfig();
        c.serverId = "NX";
        c.serverName = "name \"quoted\" \\ \u00e9\u4e2d";
        c.authenticator = Authenticator.token("t", null);
        c.tlsVerify = true;
        c.jetStream = true;
        c.maxPayload = 2_000;
        ListenerInfo l = new ListenerInfo("::1", 8443, true, true);
        assertEquals(JACKSON.writeValueAsString(asJacksonMap(c, l, Long.MAX_VALUE, null)),
                InfoJson.of(c, l, Long.MAX_VALUE, null));
    }

    @Test
    void shouldEscapeEveryStringAsJacksonDoes() throws Exception {
        Random random = new Random(42);
        List<Character> specials = List.of('"', '\\', '/', '\u007f', '\u2028', '\ud83d', '\ude00', '\u00ff');
        for (int round = 0; round < 2_000; round++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                int kind = random.nextInt(3);
                s.append(kind == 0 ? (char) random.nextInt(0x20)
                        : kind == 1 ? specials.get(random.nextInt(specials.size())) : (char) (0x20 + random.nextInt(0x5f)));
            }
            StringBuilder ours = new StringBuilder();
            InfoJson.quoted(ours, s.toString());
            assertEquals(JACKSON.writeValueAsString(s.toString()), ours.toString(), "for " + s.chars().boxed().toList());
        }
    }
}
