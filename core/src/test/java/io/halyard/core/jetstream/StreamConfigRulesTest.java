package io.halyard.core.jetstream;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StreamConfigRulesTest {
    private static StreamConfig config(String json) {
        return StreamConfig.fromJson(ApiJson.parseObject(json.getBytes()));
    }

    private static ApiError rejection(String json) {
        return assertThrows(ApiException.class, () -> StreamConfigRules.normalize(config(json))).error();
    }

    @Test
    void shouldFillInNatsServerDefaults() {
        StreamConfig c = StreamConfigRules.normalize(config("{\"name\":\"S\"}"));
        assertEquals(List.of("S"), c.subjects);
        assertEquals(-1, c.maxMsgs);
        assertEquals(-1, c.maxBytes);
        assertEquals(-1, c.maxMsgSize);
        assertEquals(1, c.replicas);
        assertEquals("file", c.storage);
        assertEquals(120_000_000_000L, c.duplicateWindowNanos);
        assertEquals(1_000_000_000L, StreamConfigRules.normalize(config("{\"name\":\"S\",\"max_age\":1000000000}")).duplicateWindowNanos);
    }

    @Test
    void shouldRejectInvalidConfigsWithNatsTexts() {
        assertEquals(ApiErrors.invalidConfig("stream name is required and can not contain '.', '*', '>', '\\', '/'"), rejection("{\"name\":\"a.b\"}"));
        assertEquals(ApiErrors.invalidConfig("invalid subject"), rejection("{\"name\":\"S\",\"subjects\":[\"a..b\"]}"));
        // As nats-server: the overlap check of the first "a" meets the second before the duplicate check does.
        assertEquals(ApiErrors.invalidConfig("subject \"a\" overlaps with \"a\""), rejection("{\"name\":\"S\",\"subjects\":[\"a\",\"a\"]}"));
        assertEquals(ApiErrors.invalidConfig("capturing all subjects requires no-ack to be true"), rejection("{\"name\":\"S\",\"subjects\":[\">\"]}"));
        assertEquals(ApiErrors.invalidConfig("max age needs to be >= 100ms"), rejection("{\"name\":\"S\",\"max_age\":1}"));
        assertEquals(ApiErrors.invalidConfig("roll-ups require the purge permission"),
                rejection("{\"name\":\"S\",\"deny_purge\":true,\"allow_rollup_hdrs\":true}"));
        assertEquals(ApiErrors.invalidConfig("discard new per subject requires discard new policy to be set"),
                rejection("{\"name\":\"S\",\"discard_new_per_subject\":true}"));
        assertEquals(10133, rejection("{\"name\":\"S\",\"num_replicas\":-1}").errCode());
        assertEquals(10025, assertThrows(ApiException.class, () -> config("{\"name\":\"S\",\"storage\":\"disk\"}")).error().errCode());
        assertEquals(10025, assertThrows(ApiException.class, () -> config("{\"name\":\"S\",\"max_msgs\":\"x\"}")).error().errCode());
    }

    @Test
    void shouldRefuseUpdatesNatsServerRefuses() {
        StreamConfig old = StreamConfigRules.normalize(config("{\"name\":\"S\",\"deny_delete\":true}"));
        assertEquals(ApiErrors.invalidConfig("stream configuration update can not change storage type"),
                assertThrows(ApiException.class, () -> StreamConfigRules.checkUpdate(old,
                        StreamConfigRules.normalize(config("{\"name\":\"S\",\"storage\":\"memory\",\"deny_delete\":true}")))).error());
        assertEquals(ApiErrors.invalidConfig("stream configuration update can not cancel deny message deletes"),
                assertThrows(ApiException.class, () -> StreamConfigRules.checkUpdate(old,
                        StreamConfigRules.normalize(config("{\"name\":\"S\"}")))).error());
        StreamConfig sealed = StreamConfigRules.normalize(config("{\"name\":\"S\",\"deny_delete\":true,\"sealed\":true}"));
        StreamConfigRules.checkUpdate(old, sealed);
        assertEquals("new", sealed.discard);
    }

    @Test
    void shouldWriteCatalogErrorsAsNatsServerDoes() {
        assertEquals("{\"code\":400,\"err_code\":10071,\"description\":\"wrong last sequence: 7\"}", ApiErrors.wrongLastSequence(7).toJson());
        assertEquals("{\"code\":400,\"err_code\":10058,\"description\":\"stream name already in use with a different configuration\"}",
                ApiErrors.STREAM_NAME_EXISTS.toJson());
        assertEquals("2026-01-02T03:04:05.00000012Z", ApiJson.time(1767323045_000000120L));
        assertEquals("0001-01-01T00:00:00Z", ApiJson.time(0));
    }
}
