package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Validates a whole file of records on recovery. Every record's length, type and checksum are
 * checked. At a record that fails, the scanner searches forward, byte by byte, for the next offset
 * where a valid record starts, and reports the damaged range in between; records after damage are
 * kept. Damage with no valid record after it is a torn tail: the caller truncates it (in the file
 * being appended to) or reports it lost (in a sealed one).
 *
 * <p>Not thread-safe; one per file.
 */
final class RecordScanner {
    interface Visitor {
        /** A valid record at {@code position}, its bytes at {@code buf[offset]}. */
        void record(ByteBuffer buf, int offset, long position) throws IOException;

        /** Bytes {@code [from, to)} hold no valid record. */
        void damaged(long from, long to);
    }

    private static final int CHUNK_BYTES = 1024 * 1024;

    private final FileChannel channel;
    private final long fileSize;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart;
    private int bufLength;

    RecordScanner(FileChannel channel) throws IOException {
        this.channel = channel;
        this.fileSize = channel.size();
    }

    /**
     * Scans the file.
     *
     * @return the end of the last valid record: everything after it is a torn tail (or zero-length)
     */
    long scan(Visitor visitor) throws IOException {
        long position = 0;
        long validEnd = 0;
        while (position < fileSize) {
            int length = validLengthAt(position);
            if (length > 0) {
                visitor.record(buf, (int) (position - bufStart), position);
                position += length;
                validEnd = position;
                continue;
            }
            long resync = findNextValid(position + 1);
            if (resync < 0) {
                return validEnd; // torn tail, or damage that reaches the end
            }
            visitor.damaged(position, resync);
            position = resync;
        }
        return validEnd;
    }

    private long findNextValid(long from) throws IOException {
        for (long p = from; p + RecordFormat.HEADER_BYTES <= fileSize; p++) {
            if (validLengthAt(p) > 0) {
                return p;
            }
        }
        return -1;
    }

    /** The length of the valid record at {@code position}, or 0; on success its bytes are buffered. */
    private int validLengthAt(long position) throws IOException {
        long available = fileSize - position;
        if (available < RecordFormat.HEADER_BYTES || !ensure(position, RecordFormat.HEADER_BYTES)) {
            return 0;
        }
        int offset = (int) (position - bufStart);
        int length = buf.getInt(offset + RecordFormat.OFF_LENGTH);
        if (length < RecordFormat.HEADER_BYTES || length > RecordFormat.MAX_RECORD_BYTES || length > available) {
            return 0;
        }
        if (!ensure(position, length)) {
            return 0;
        }
        offset = (int) (position - bufStart);
        return RecordFormat.isValid(buf, offset, bufLength - offset, crc) ? length : 0;
    }

    private boolean ensure(long position, int length) throws IOException {
        if (position >= bufStart && position + length <= bufStart + bufLength) {
            return true;
        }
        if (length > buf.capacity()) {
            buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        }
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), fileSize - position));
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        bufStart = position;
        bufLength = buf.position();
        return length <= bufLength;
    }
}
