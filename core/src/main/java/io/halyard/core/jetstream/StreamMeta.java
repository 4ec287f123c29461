package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A file stream's {@code meta.json}: its configuration and creation time, beside its store directory.
 *
 * <pre>{@code {"checksum":"crc32c:<8 hex>","stream":{"config":{…},"created":"<RFC 3339>"}}}</pre>
 *
 * The checksum covers the serialised {@code stream} object, so a damaged file is detected and the
 * stream is not started with a wrong configuration. Written atomically: a temporary file, fsync,
 * rename over the old one, fsync of the directory.
 *
 * <p>Stateless; thread-safe (callers serialise writes to one stream's file).
 */
final class StreamMeta {
    static final String FILE = "meta.json";

    /** What a meta file holds. */
    record Contents(StreamConfig config, long createdNanos) {
    }

    private StreamMeta() {
    }

    static void write(Path directory, StreamConfig config, long createdNanos) throws IOException {
        ObjectNode stream = ApiJson.object();
        stream.set("config", config.toJson());
        stream.put("created", ApiJson.time(createdNanos));
        byte[] body = ApiJson.bytes(stream);
        ObjectNode file = ApiJson.object();
        file.put("checksum", checksum(body));
        file.set("stream", stream);
        byte[] bytes = ApiJson.bytes(file);
        Path tmp = directory.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(directory);
    }

    /** Reads and verifies a meta file; throws IOException when it is missing, damaged or not valid. */
    static Contents read(Path directory) throws IOException {
        byte[] bytes = Files.readAllBytes(directory.resolve(FILE));
        JsonNode file = ApiJson.MAPPER.readTree(bytes);
        if (file == null || !file.isObject() || !file.path("stream").isObject()) {
            throw new IOException("not a stream meta file");
        }
        ObjectNode stream = (ObjectNode) file.get("stream");
        String expected = file.path("checksum").asText("");
        if (!expected.equals(checksum(ApiJson.bytes(stream)))) {
            throw new IOException("checksum mismatch");
        }
        try {
            StreamConfig config = StreamConfig.fromJson((ObjectNode) stream.path("config"));
            StreamConfigRules.normalize(config);
            return new Contents(config, ApiJson.parseTime(stream.path("created").asText()));
        } catch (ApiException | ClassCastException e) {
            throw new IOException("invalid stream configuration: " + e.getMessage(), e);
        }
    }

    static void syncDirectory(Path directory) {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open a directory for fsync; the rename is still atomic there.
        }
    }

    private static String checksum(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return String.format("crc32c:%08x", crc.getValue());
    }
}
