package io.halyard.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void shouldIndentKeepingBuiltOrderAndSortingParsedKeys() {
        String built = Json.pretty(Json.object().put("z", 1).put("a", List.of("x", true)).put("skipped", null)
                .put("empty", List.of()).build());
        assertEquals("{\n  \"z\": 1,\n  \"a\": [\n    \"x\",\n    true\n  ],\n  \"empty\": []\n}", built);
        assertEquals("{\n  \"a\": {},\n  \"b\": \"q\\\"\"\n}", Json.pretty(Json.parse("{\"b\":\"q\\\"\",\"a\":{}}")));
    }

    @Test
    void shouldDropTheTypeOfAnApiResponse() {
        assertEquals("{\n  \"total\": 1\n}", Json.pretty(Json.reply(Json.parse(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_names_response\",\"total\":1}"))));
    }
}
