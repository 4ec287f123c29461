package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.zip.CRC32C;

/**
 * A durable consumer on disk: {@code <stream dir>/obs/<name>/meta.dat} (the configuration and
 * creation time as JSON) and {@code state.dat} ({@link ConsumerState}'s binary form). Each file is
 * one frame — magic, length, body, CRC32C — written atomically (temporary file, fsync, rename,
 * directory fsync), so a crash leaves the old or the new file, and a damaged one is detected.
 *
 * <p>Stateless apart from its directory; the caller (the JetStream thread) serialises writes.
 */
final class ConsumerStore {
    static final String DIRECTORY = "obs";
    private static final int MAGIC = 0x48434f31; // "HCO1"
    private static final String META = "meta.dat";
    private static final String STATE = "state.dat";

    private final Path directory;

    ConsumerStore(Path streamDirectory, String consumer) {
        this.directory = streamDirectory.resolve(DIRECTORY).resolve(consumer);
    }

    /** The saved configuration and creation time. */
    record Meta(ConsumerConfig config, long createdNanos) {
    }

    void writeMeta(ConsumerConfig config, long createdNanos) throws IOException {
        Files.createDirectories(directory);
        ObjectNode j = ApiJson.object();
        j.put("created", createdNanos);
        j.set("config", config.toJson());
        write(directory.resolve(META), ApiJson.bytes(j));
        StreamMeta.syncDirectory(directory.getParent());
    }

    /** Writes a snapshot that includes the consumer journal's entries up to {@code journalSequence}. */
    void writeState(ConsumerState state, long journalSequence) throws IOException {
        writeState(state.encode(journalSequence));
    }

    /** Writes an encoded snapshot ({@link ConsumerState#encode}); any thread. */
    void writeState(byte[] encoded) throws IOException {
        write(directory.resolve(STATE), encoded);
    }

    Meta readMeta() throws IOException {
        ObjectNode j = ApiJson.parseObject(read(directory.resolve(META)));
        return new Meta(ConsumerConfig.fromJson((ObjectNode) j.get("config")), j.path("created").asLong());
    }

    /** The saved state, or null when none was saved yet. */
    ConsumerState readState() throws IOException {
        Path file = directory.resolve(STATE);
        return Files.exists(file) ? ConsumerState.decode(read(file)) : null;
    }

    void delete() {
        if (!Files.exists(directory)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: an orphaned directory is ignored on recovery once meta.dat is gone
        }
    }

    private static void write(Path file, byte[] body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer frame = ByteBuffer.allocate(12 + body.length);
        frame.putInt(MAGIC).putInt(body.length).put(body).putInt((int) crc.getValue()).flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (frame.hasRemaining()) {
                ch.write(frame);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        StreamMeta.syncDirectory(file.getParent());
    }

    private static byte[] read(Path file) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(Files.readAllBytes(file));
        if (frame.remaining() < 12 || frame.getInt() != MAGIC) {
            throw new IOException(file.getFileName() + ": not a consumer file");
        }
        int length = frame.getInt();
        if (length < 0 || length != frame.remaining() - 4) {
            throw new IOException(file.getFileName() + ": truncated");
        }
        byte[] body = new byte[length];
        frame.get(body);
        CRC32C crc = new CRC32C();
        crc.update(body);
        if (frame.getInt() != (int) crc.getValue()) {
            throw new IOException(file.getFileName() + ": checksum mismatch");
        }
        return body;
    }
}
