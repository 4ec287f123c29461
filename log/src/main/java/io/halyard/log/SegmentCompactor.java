package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Rewrites a sealed segment without its deleted records, so that space freed by deletes in the
 * middle of a stream (work queues, KV updates) comes back without waiting for the whole segment to
 * empty.
 *
 * <p>The copy runs on a background thread without the store's lock: a sealed segment no longer
 * changes except for its deleted set, and records deleted while the copy runs stay marked in the
 * (sequence-indexed) deleted set. The output is fsynced under a temporary name, then renamed over
 * the original (atomic) and the directory fsynced. A crash before the rename leaves the original
 * intact and a leftover temporary file that recovery removes; after it, the new file is complete.
 *
 * <p>Not thread-safe; one instance per compaction.
 */
final class SegmentCompactor {
    static final String TEMP_SUFFIX = ".compacting";

    /** One thread for every store's compactions: background work, never on an append path. */
    static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "halyard-log-compactor");
        t.setDaemon(true);
        return t;
    });

    /** Metadata of the records kept, in order, to rebuild the segment's in-memory state. */
    long[] sequences = new long[256];
    long[] timestamps = new long[256];
    long[] positions = new long[256];
    int[] sizes = new int[256];
    String[] subjects = new String[256];
    int kept;
    long outputBytes;

    private final LogSegment source;
    private final DeletedSet deletedSnapshot;
    final Path temp;

    SegmentCompactor(LogSegment source, DeletedSet deletedSnapshot) {
        this.source = source;
        this.deletedSnapshot = deletedSnapshot;
        this.temp = source.path.resolveSibling(source.path.getFileName() + TEMP_SUFFIX);
    }

    /** Copies the live records of the source to the temporary file and fsyncs it. */
    void copy(long sourceBytes) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(256 * 1024);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            SegmentCursor c = new SegmentCursor(source, 0, sourceBytes, 256 * 1024);
            long position = 0;
            while (c.next()) {
                if (c.type() != RecordFormat.TYPE_MESSAGE || deletedSnapshot.contains(c.sequence())) {
                    continue;
                }
                int length = c.length();
                if (out.remaining() < length) {
                    drain(ch, out);
                    if (out.capacity() < length) {
                        out = ByteBuffer.allocate(length);
                    }
                }
                ByteBuffer record = c.buffer().duplicate();
                record.limit(c.offset() + length).position(c.offset());
                out.put(record);
                remember(c.sequence(), c.timestampNanos(), c.subject(), position,
                        (int) RecordFormat.accountedBytes(c.buffer(), c.offset()));
                position += length;
            }
            if (c.corruptAt() >= 0) {
                throw new IOException(source.path.getFileName() + " fails its checksum at byte " + c.corruptAt()
                        + "; not compacted");
            }
            drain(ch, out);
            ch.force(true);
            outputBytes = position;
        }
    }

    private static void drain(FileChannel ch, ByteBuffer out) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        out.clear();
    }

    private void remember(long seq, long ts, String subject, long position, int size) {
        if (kept == sequences.length) {
            int n = kept * 2;
            sequences = Arrays.copyOf(sequences, n);
            timestamps = Arrays.copyOf(timestamps, n);
            positions = Arrays.copyOf(positions, n);
            sizes = Arrays.copyOf(sizes, n);
            subjects = Arrays.copyOf(subjects, n);
        }
        sequences[kept] = seq;
        timestamps[kept] = ts;
        positions[kept] = position;
        sizes[kept] = size;
        subjects[kept] = subject;
        kept++;
    }
}
