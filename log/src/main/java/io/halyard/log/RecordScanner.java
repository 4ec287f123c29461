package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Validates a whole file of records on recovery. Every record's length, type and checksum are
 * checked. At a record that fails, the scanner searches forward for the next offset where a valid
 * record starts, and reports the damaged range in between; records after damage are kept. Damage
 * with no valid record after it is a torn tail: the caller truncates it (in the file being appended
 * to) or reports it lost (in a sealed one).
 *
 * <p><b>Zeros.</b> A segment file is extended ahead of its data (see {@link LogSegment}), so it
 * normally ends in zeros that were never written: {@link #nonZeroEnd} tells such a tail from a torn
 * one. The search for the next valid record tries offsets one by one, but jumps over runs of zeros:
 * a record's length field (bytes 4..8) is at least {@link RecordFormat#HEADER_BYTES}, so no record
 * starts where that field would lie inside zeros. Megabytes of zeros cost a comparison of each byte
 * with zero, not a record validation at each offset.
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
    /** Compared against with {@link Arrays#mismatch}, which is vectorized. */
    private static final byte[] ZEROS = new byte[64 * 1024];

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
     * @return the end of the last valid record: everything after it is zeros never written, a torn
     *         tail, or nothing ({@link #nonZeroEnd} tells which)
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
        long p = from;
        while (p + RecordFormat.HEADER_BYTES <= fileSize) {
            if (lengthFieldIsZero(p)) {
                // Offsets whose length field lies wholly in this run of zeros start no record: go on at
                // the first one whose field reaches the byte after the run.
                long runEnd = zeroRunEnd(p + RecordFormat.OFF_LENGTH);
                p = Math.max(p + 1, runEnd - (RecordFormat.OFF_LENGTH + Integer.BYTES - 1));
                continue;
            }
            if (validLengthAt(p) > 0) {
                return p;
            }
            p++;
        }
        return -1;
    }

    private boolean lengthFieldIsZero(long position) throws IOException {
        return ensure(position, RecordFormat.OFF_LENGTH + Integer.BYTES)
                && buf.getInt((int) (position - bufStart) + RecordFormat.OFF_LENGTH) == 0;
    }

    /** The position of the first non-zero byte at or after {@code from}, or the file size. */
    private long zeroRunEnd(long from) throws IOException {
        long p = from;
        while (p < fileSize && ensure(p, 1)) {
            byte[] bytes = buf.array();
            for (int off = (int) (p - bufStart); off < bufLength; off += ZEROS.length) {
                int n = Math.min(ZEROS.length, bufLength - off);
                int mismatch = Arrays.mismatch(bytes, off, off + n, ZEROS, 0, n);
                if (mismatch >= 0) {
                    return bufStart + off + mismatch;
                }
            }
            p = bufStart + bufLength;
        }
        return fileSize;
    }

    /**
     * The end of the last non-zero byte at or after {@code from} ({@code from} itself when only zeros
     * follow): after {@link #scan}, equal to its result when the file ends in zeros never written,
     * beyond it when a torn or damaged tail precedes them.
     */
    long nonZeroEnd(long from) throws IOException {
        long end = from;
        long p = from;
        while (p < fileSize && ensure(p, 1)) {
            byte[] bytes = buf.array();
            for (int off = (int) (p - bufStart); off < bufLength; off += ZEROS.length) {
                int n = Math.min(ZEROS.length, bufLength - off);
                if (Arrays.mismatch(bytes, off, off + n, ZEROS, 0, n) >= 0) {
                    int last = off + n - 1;
                    while (bytes[last] == 0) {
                        last--;
                    }
                    end = bufStart + last + 1;
                }
            }
            p = bufStart + bufLength;
        }
        return end;
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
