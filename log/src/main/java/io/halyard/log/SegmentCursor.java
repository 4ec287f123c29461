package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Walks the records of one segment forward from a position, reading the file in large chunks and
 * checking every record's checksum before exposing it. A record that fails the check is never
 * returned as data: the walk steps over damage that recovery found, and over damage found now by
 * searching for the next valid record (reported through {@link #corruptAt()}).
 *
 * <p>Not thread-safe; one per read.
 */
final class SegmentCursor {
    private final LogSegment segment;
    private final long end;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buf;
    /** File position of buf[0]. */
    private long bufStart;
    private int bufLength;
    /** Offset in buf of the current record, and of the next one. */
    private int at = -1;
    private int next;
    private long corruptAt = -1;
    private boolean stopped;

    SegmentCursor(LogSegment segment, long position, long end, int bufferBytes) {
        this(segment, position, end, ByteBuffer.allocate(bufferBytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** A cursor reading through {@code buffer} (little-endian, heap), which it may replace if too small. */
    SegmentCursor(LogSegment segment, long position, long end, ByteBuffer buffer) {
        this.segment = segment;
        this.end = end;
        this.buf = buffer;
        this.bufStart = position;
        this.bufLength = 0;
        this.next = 0;
    }

    /**
     * A cursor starting at {@code position} that first uses the file bytes already in {@code buffer}
     * ({@code bufferLength} of them, read from {@code bufferStart}) when the position lies among them,
     * so a reader continuing where it stopped reads nothing again. Bytes of a segment never change once
     * durable, so earlier reads stay valid.
     */
    SegmentCursor(LogSegment segment, long position, long end, ByteBuffer buffer, long bufferStart, int bufferLength) {
        this.segment = segment;
        this.end = end;
        this.buf = buffer;
        if (position >= bufferStart && position <= bufferStart + bufferLength) {
            this.bufStart = bufferStart;
            this.bufLength = bufferLength;
            this.next = (int) (position - bufferStart);
        } else {
            this.bufStart = position;
            this.bufLength = 0;
            this.next = 0;
        }
    }

    /** Advances to the next valid record; false at the end of readable data or at a corrupt record. */
    boolean next() throws IOException {
        long position = bufStart + next;
        if (position >= end || stopped) {
            return false;
        }
        if (!ensure(next, RecordFormat.HEADER_BYTES)) {
            return fail(position);
        }
        int length = buf.getInt(next + RecordFormat.OFF_LENGTH);
        if (length < RecordFormat.HEADER_BYTES || length > RecordFormat.MAX_RECORD_BYTES
                || position + length > end) {
            return fail(position);
        }
        if (!ensure(next, length)) {
            return fail(position);
        }
        if (!RecordFormat.isValid(buf, next, bufLength - next, crc)) {
            return fail(position);
        }
        at = next;
        next = at + length;
        return true;
    }

    private boolean fail(long position) throws IOException {
        long resume = segment.damageEndingAfter(position);
        if (resume < 0) {
            // Damage since the store was opened (recovery reports what it finds): look for the next
            // valid record, remember the damaged range for later readers, and go on from there.
            if (corruptAt < 0) {
                corruptAt = position;
            }
            resume = findNextValid(position + 1);
            if (resume > position) {
                segment.addDamage(position, resume);
            }
        }
        if (resume > position && resume < end) {
            bufStart = resume;
            bufLength = 0;
            next = 0;
            at = -1;
            return next();
        }
        if (corruptAt < 0) {
            corruptAt = position;
        }
        stopped = true;
        at = -1;
        return false;
    }

    /** The position of the first valid record after {@code from}, or -1. */
    private long findNextValid(long from) throws IOException {
        for (long p = from; p + RecordFormat.HEADER_BYTES <= end; p++) {
            int offset = (int) (p - bufStart);
            if (p < bufStart || !ensure(offset, RecordFormat.HEADER_BYTES)) {
                bufStart = p;
                bufLength = 0;
                if (!ensure(0, RecordFormat.HEADER_BYTES)) {
                    return -1;
                }
            }
            offset = (int) (p - bufStart);
            int length = buf.getInt(offset + RecordFormat.OFF_LENGTH);
            if (length < RecordFormat.HEADER_BYTES || length > RecordFormat.MAX_RECORD_BYTES || p + length > end) {
                continue;
            }
            if (!ensure(offset, length)) {
                continue;
            }
            offset = (int) (p - bufStart);
            if (RecordFormat.isValid(buf, offset, bufLength - offset, crc)) {
                return p;
            }
        }
        return -1;
    }

    /** Makes {@code length} bytes from buffer offset {@code from} available, refilling or growing. */
    private boolean ensure(int from, int length) throws IOException {
        if (from + length <= bufLength) {
            return true;
        }
        long filePosition = bufStart + from;
        if (filePosition + length > end) {
            return false;
        }
        if (length > buf.capacity()) {
            buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        }
        buf.clear();
        int want = (int) Math.min(buf.capacity(), end - filePosition);
        buf.limit(want);
        while (buf.hasRemaining()) {
            int n = segment.read(buf, filePosition + buf.position());
            if (n < 0) {
                break;
            }
        }
        bufStart = filePosition;
        bufLength = buf.position();
        next = 0;
        if (at >= 0) {
            at = -1;
        }
        return length <= bufLength;
    }

    /** The file position of the first record that failed validation (newly found damage), or -1. */
    long corruptAt() {
        return corruptAt;
    }

    long position() {
        return bufStart + at;
    }

    /** The file position after the current record: where a later read may resume. */
    long nextPosition() {
        return bufStart + next;
    }

    /** File position of the buffer's first byte, and how many bytes it holds from there. */
    long bufferStart() {
        return bufStart;
    }

    int bufferLength() {
        return bufLength;
    }

    ByteBuffer buffer() {
        return buf;
    }

    int offset() {
        return at;
    }

    byte type() {
        return buf.get(at + RecordFormat.OFF_TYPE);
    }

    long sequence() {
        return buf.getLong(at + RecordFormat.OFF_SEQUENCE);
    }

    long timestampNanos() {
        return buf.getLong(at + RecordFormat.OFF_TIMESTAMP);
    }

    int length() {
        return buf.getInt(at + RecordFormat.OFF_LENGTH);
    }

    boolean subjectEquals(String subject) {
        return RecordFormat.subjectEquals(buf, at, subject);
    }

    String subject() {
        return RecordFormat.subject(buf, at);
    }

    StoredMessage message(String knownSubject) {
        return RecordFormat.decodeMessage(buf, at, knownSubject);
    }
}
