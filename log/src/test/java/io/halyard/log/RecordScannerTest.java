package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Recovery's scan of a file: records, damage between them, and zeros never written. */
class RecordScannerTest {
    @TempDir
    Path dir;

    /** A sealed message record of sequence {@code seq}. */
    private static ByteBuffer record(long seq, byte[] payload) {
        String subject = "scan.s";
        int length = RecordFormat.recordLength(subject.length(), 0, payload.length);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        RecordFormat.putHeader(b, 0, length, RecordFormat.TYPE_MESSAGE, subject.length(), 0, seq, 1_000L * seq);
        RecordFormat.putSubject(b, RecordFormat.HEADER_BYTES, subject);
        b.put(RecordFormat.HEADER_BYTES + subject.length(), payload);
        RecordFormat.seal(b, 0, new CRC32C());
        return b;
    }

    /** What a scan saw: "record seq@position" and "damaged from..to", in order, and its result. */
    private record Scan(List<String> events, long validEnd, long nonZeroEnd) {
    }

    private static Scan scan(Path file) throws IOException {
        List<String> events = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file)) {
            RecordScanner scanner = new RecordScanner(ch);
            long end = scanner.scan(new RecordScanner.Visitor() {
                @Override
                public void record(ByteBuffer buf, int offset, long position) {
                    events.add("record " + buf.getLong(offset + RecordFormat.OFF_SEQUENCE) + "@" + position);
                }

                @Override
                public void damaged(long from, long to) {
                    events.add("damaged " + from + ".." + to);
                }
            });
            return new Scan(events, end, scanner.nonZeroEnd(end));
        }
    }

    private Path file(long size, Object... recordsAt) throws IOException {
        Path file = dir.resolve("f-" + System.nanoTime() + ".log");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            for (int i = 0; i < recordsAt.length; i += 2) {
                ByteBuffer b = (ByteBuffer) recordsAt[i + 1];
                f.getChannel().write(b.duplicate().position(0), (Long) recordsAt[i]);
            }
        }
        return file;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldTakeZerosAfterTheLastRecordForTheEndOfDataNotForDamage() throws Exception {
        ByteBuffer a = record(1, bytes("first"));
        ByteBuffer b = record(2, bytes("second"));
        long bAt = a.capacity();
        long end = bAt + b.capacity();
        Scan s = scan(file(1 << 20, 0L, a, bAt, b));
        assertEquals(List.of("record 1@0", "record 2@" + bAt), s.events());
        assertEquals(end, s.validEnd());
        assertEquals(end, s.nonZeroEnd(), "only zeros follow");
    }

    @Test
    void shouldTellATornRecordBeforeTheZerosFromTheZeros() throws Exception {
        ByteBuffer a = record(1, bytes("first"));
        ByteBuffer torn = record(2, bytes("second, never completed"));
        int tornBytes = RecordFormat.HEADER_BYTES + 3; // the header and "sca" of the subject
        torn.limit(tornBytes);
        long end = a.capacity();
        Scan s = scan(file(1 << 20, 0L, a, end, torn.slice()));
        assertEquals(List.of("record 1@0"), s.events());
        assertEquals(end, s.validEnd());
        assertEquals(end + tornBytes, s.nonZeroEnd(), "the torn bytes, not the zeros after them");
    }

    @Test
    void shouldFindTheRecordAfterARunOfZerosEvenWhenItsChecksumStartsWithZeroBytes() throws Exception {
        // The skip over zeros must stop where a record's length field reaches the run's end: a record
        // whose checksum's low bytes are zero extends the run into the record itself.
        ByteBuffer b = null;
        for (int i = 0; b == null; i++) {
            ByteBuffer candidate = record(2, bytes("payload " + i));
            if (candidate.getShort(RecordFormat.OFF_CRC) == 0) {
                b = candidate;
            }
        }
        ByteBuffer a = record(1, bytes("first"));
        long bAt = a.capacity() + 100_000;
        Scan s = scan(file(1 << 20, 0L, a, bAt, b));
        assertEquals(List.of("record 1@0", "damaged " + a.capacity() + ".." + bAt, "record 2@" + bAt), s.events());
        assertEquals(bAt + b.capacity(), s.validEnd());
    }

    @Test
    void shouldFindRecordsAtEveryOffsetAfterZeros() throws Exception {
        // Zero runs of every length up to a few words before a record: no offset is skipped wrongly.
        for (int gap = 1; gap <= 40; gap++) {
            ByteBuffer a = record(1, bytes("first"));
            ByteBuffer b = record(2, bytes("second"));
            long bAt = a.capacity() + gap;
            Scan s = scan(file(bAt + b.capacity() + gap, 0L, a, bAt, b));
            assertEquals(List.of("record 1@0", "damaged " + a.capacity() + ".." + bAt, "record 2@" + bAt), s.events(),
                    "gap " + gap);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldScanTheZerosOfAWholeExtendedSegmentQuickly() throws Exception {
        ByteBuffer a = record(1, bytes("first"));
        Path file = file(StoreOptions.DEFAULT_SEGMENT_BYTES, 0L, a);
        long t0 = System.nanoTime();
        Scan s = scan(file);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(List.of("record 1@0"), s.events());
        assertEquals(a.capacity(), s.nonZeroEnd());
        // Byte by byte, each offset validated, this took seconds; comparing with zeros, milliseconds.
        assertTrue(millis < 2_000, "64 MiB of zeros scanned in " + millis + " ms");
    }
}
