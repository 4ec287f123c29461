package io.halyard.cli.format;

import io.nats.client.impl.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Message payloads and headers in output: JSON carries payloads in base64 (exact bytes, as nats-server's
 * stored-message JSON does) and, when the bytes are valid UTF-8, also as text; people see the text.
 */
public final class Payloads {

    private Payloads() {
    }

    /** The payload as text, or null when it is not valid UTF-8. */
    public static String text(byte[] data) {
        if (data == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** For people: the text, or a note of how many bytes of binary there are. */
    public static String display(byte[] data) {
        String text = text(data);
        return text != null ? text : "(" + data.length + " bytes, not UTF-8 text)";
    }

    public static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data == null ? new byte[0] : data);
    }

    /** Headers as {@code {"name": ["value", …]}}, or null when there are none. */
    public static Map<String, List<String>> headers(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String key : headers.keySet()) {
            map.put(key, new ArrayList<>(headers.get(key)));
        }
        return map;
    }
}
