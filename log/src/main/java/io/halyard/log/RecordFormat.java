package io.halyard.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk record, little-endian:
 *
 * <pre>
 *  0  u32 crc32c        over bytes 4 .. length (everything after this field)
 *  4  u32 length        the whole record, header included
 *  8  u8  type          1 = message, 2 = deletion (in the delete journal)
 *  9  u8  flags         0
 * 10  u16 subject length
 * 12  u32 headers length
 * 16  u64 sequence      of the message; for a deletion, the store's last sequence when it was written
 * 24  u64 timestamp     epoch nanoseconds
 * 32  subject (ISO-8859-1 bytes), headers, payload (the rest)
 * </pre>
 *
 * The length sits inside the checksummed range, so a damaged length is caught like damaged data, and
 * a scanner that lost its place can find the next record by trying offsets until one validates.
 */
final class RecordFormat {
    static final int HEADER_BYTES = 32;
    static final int OFF_CRC = 0;
    static final int OFF_LENGTH = 4;
    static final int OFF_TYPE = 8;
    static final int OFF_FLAGS = 9;
    static final int OFF_SUBJECT_LENGTH = 10;
    static final int OFF_HEADERS_LENGTH = 12;
    static final int OFF_SEQUENCE = 16;
    static final int OFF_TIMESTAMP = 24;

    static final byte TYPE_MESSAGE = 1;
    static final byte TYPE_DELETION = 2;

    /** No record is larger: 64 MiB of payload and headers plus a maximal subject. */
    static final int MAX_RECORD_BYTES = 64 * 1024 * 1024 + 65_535 + HEADER_BYTES;

    private RecordFormat() {
    }

    static int recordLength(int subjectLength, int headersLength, int payloadLength) {
        return HEADER_BYTES + subjectLength + headersLength + payloadLength;
    }

    /** Writes a record header at {@code at}; the checksum field is left for {@link #seal}. */
    static void putHeader(ByteBuffer buf, int at, int length, byte type, int subjectLength, int headersLength,
                          long sequence, long timestampNanos) {
        buf.putInt(at + OFF_CRC, 0);
        buf.putInt(at + OFF_LENGTH, length);
        buf.put(at + OFF_TYPE, type);
        buf.put(at + OFF_FLAGS, (byte) 0);
        buf.putShort(at + OFF_SUBJECT_LENGTH, (short) subjectLength);
        buf.putInt(at + OFF_HEADERS_LENGTH, headersLength);
        buf.putLong(at + OFF_SEQUENCE, sequence);
        buf.putLong(at + OFF_TIMESTAMP, timestampNanos);
    }

    /** Writes an ASCII/ISO-8859-1 subject at {@code at} without allocating. */
    static void putSubject(ByteBuffer buf, int at, String subject) {
        for (int i = 0, n = subject.length(); i < n; i++) {
            buf.put(at + i, (byte) subject.charAt(i));
        }
    }

    /** Computes and stores the checksum of the record at {@code at} (its length already written). */
    static void seal(ByteBuffer buf, int at, CRC32C crc) {
        int length = buf.getInt(at + OFF_LENGTH);
        buf.putInt(at + OFF_CRC, checksum(buf, at, length, crc));
    }

    static int checksum(ByteBuffer buf, int at, int length, CRC32C crc) {
        crc.reset();
        ByteBuffer view = buf.duplicate();
        view.limit(at + length).position(at + OFF_LENGTH);
        crc.update(view);
        return (int) crc.getValue();
    }

    /**
     * Whether a whole, valid record starts at {@code at}, with {@code available} bytes readable from
     * there: plausible length and type, and a matching checksum.
     */
    static boolean isValid(ByteBuffer buf, int at, int available, CRC32C crc) {
        if (available < HEADER_BYTES) {
            return false;
        }
        int length = buf.getInt(at + OFF_LENGTH);
        if (length < HEADER_BYTES || length > MAX_RECORD_BYTES || length > available) {
            return false;
        }
        byte type = buf.get(at + OFF_TYPE);
        if (type != TYPE_MESSAGE && type != TYPE_DELETION) {
            return false;
        }
        int subjectLength = Short.toUnsignedInt(buf.getShort(at + OFF_SUBJECT_LENGTH));
        int headersLength = buf.getInt(at + OFF_HEADERS_LENGTH);
        if (headersLength < 0 || (long) HEADER_BYTES + subjectLength + headersLength > length) {
            return false;
        }
        return buf.getInt(at + OFF_CRC) == checksum(buf, at, length, crc);
    }

    static String subject(ByteBuffer buf, int at) {
        int n = Short.toUnsignedInt(buf.getShort(at + OFF_SUBJECT_LENGTH));
        char[] chars = new char[n];
        int base = at + HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            chars[i] = (char) (buf.get(base + i) & 0xff);
        }
        return new String(chars);
    }

    /** Whether the record at {@code at} carries exactly this subject, compared in place. */
    static boolean subjectEquals(ByteBuffer buf, int at, String subject) {
        int n = Short.toUnsignedInt(buf.getShort(at + OFF_SUBJECT_LENGTH));
        if (n != subject.length()) {
            return false;
        }
        int base = at + HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            if ((buf.get(base + i) & 0xff) != subject.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static StoredMessage decodeMessage(ByteBuffer buf, int at, String knownSubject) {
        int length = buf.getInt(at + OFF_LENGTH);
        int subjectLength = Short.toUnsignedInt(buf.getShort(at + OFF_SUBJECT_LENGTH));
        int headersLength = buf.getInt(at + OFF_HEADERS_LENGTH);
        int payloadLength = length - HEADER_BYTES - subjectLength - headersLength;
        String subject = knownSubject != null ? knownSubject : subject(buf, at);
        byte[] headers = new byte[headersLength];
        byte[] payload = new byte[payloadLength];
        buf.get(at + HEADER_BYTES + subjectLength, headers);
        buf.get(at + HEADER_BYTES + subjectLength + headersLength, payload);
        return new StoredMessage(buf.getLong(at + OFF_SEQUENCE), buf.getLong(at + OFF_TIMESTAMP), subject, headers, payload);
    }

    static long accountedBytes(ByteBuffer buf, int at) {
        int length = buf.getInt(at + OFF_LENGTH);
        return length - HEADER_BYTES + 16L;
    }
}
