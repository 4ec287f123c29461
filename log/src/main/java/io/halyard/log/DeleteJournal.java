package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file that makes deletions durable: deletion records, each a list of inclusive sequence
 * ranges, in the order they happened. Limits that remove the oldest messages write one range per
 * group commit (the record is widened in place while its batch fills); single deletes and purges
 * write their own records.
 *
 * <p>It is replayed before the segments are scanned, so the scan knows which messages are deleted
 * and counts subjects exactly in one pass.
 */
final class DeleteJournal implements BatchTarget {
    static final String FILE_NAME = "deletes.log";

    private final Path path;
    private final FileChannel channel;
    /** Owned by the store, under its lock. */
    long appendPosition;
    volatile long writtenPosition;

    DeleteJournal(Path directory) throws IOException {
        this.path = directory.resolve(FILE_NAME);
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    FileChannel channel() {
        return channel;
    }

    Path path() {
        return path;
    }

    @Override
    public FileChannel writeChannel() {
        return channel;
    }

    @Override
    public void onWritten(long endPosition) {
        writtenPosition = endPosition;
    }

    @Override
    public boolean deferrableSync() {
        return true;
    }

    static int recordLength(int ranges) {
        return RecordFormat.HEADER_BYTES + ranges * 16;
    }

    /** Writes a deletion record of the given ranges at {@code at} (checksum left to the writer). */
    static void put(ByteBuffer buf, int at, long lastSequence, long timestampNanos, long[] ranges, int rangeCount) {
        int length = recordLength(rangeCount);
        RecordFormat.putHeader(buf, at, length, RecordFormat.TYPE_DELETION, 0, 0, lastSequence, timestampNanos);
        for (int i = 0; i < rangeCount; i++) {
            buf.putLong(at + RecordFormat.HEADER_BYTES + i * 16, ranges[2 * i]);
            buf.putLong(at + RecordFormat.HEADER_BYTES + i * 16 + 8, ranges[2 * i + 1]);
        }
    }

    static int rangeCount(ByteBuffer buf, int at) {
        return (buf.getInt(at + RecordFormat.OFF_LENGTH) - RecordFormat.HEADER_BYTES) / 16;
    }

    static long rangeFrom(ByteBuffer buf, int at, int i) {
        return buf.getLong(at + RecordFormat.HEADER_BYTES + i * 16);
    }

    static long rangeTo(ByteBuffer buf, int at, int i) {
        return buf.getLong(at + RecordFormat.HEADER_BYTES + i * 16 + 8);
    }

    /** Widens the single range of a head record written by {@link #put} to end at {@code to}. */
    static void widenHead(ByteBuffer buf, int at, long to, long lastSequence) {
        buf.putLong(at + RecordFormat.HEADER_BYTES + 8, to);
        buf.putLong(at + RecordFormat.OFF_SEQUENCE, lastSequence);
    }

    /** Writes and fsyncs one deletion record now; for recovery, before the writer thread starts. */
    void appendNow(long first, long last, long lastSequence, long timestampNanos) throws IOException {
        int length = recordLength(1);
        ByteBuffer buf = ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        put(buf, 0, lastSequence, timestampNanos, new long[] {first, last}, 1);
        RecordFormat.seal(buf, 0, new java.util.zip.CRC32C());
        while (buf.hasRemaining()) {
            channel.write(buf, appendPosition + buf.position());
        }
        channel.force(false);
        appendPosition += length;
        writtenPosition = appendPosition;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to recover when closing
        }
    }
}
