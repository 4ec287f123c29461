package io.halyard.log;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** A file the {@link GroupCommitWriter} appends to: a segment or the delete journal. */
interface BatchTarget {
    FileChannel writeChannel();

    /** Bytes up to {@code endPosition} are written (and fsynced, when the mode says so). */
    void onWritten(long endPosition);

    /**
     * Called on the writer thread before bytes up to {@code endPosition} are written: a segment
     * extends its file ahead of them (see {@link LogSegment}).
     */
    default void reserve(long endPosition) throws IOException {
    }

    /**
     * Whether this file's fsync may wait for a later group commit unless the batch asks for it
     * ({@link WriteBatch#syncAll}): true for the delete journal, whose records of deletions made by
     * limits recovery derives again from the limits.
     */
    default boolean deferrableSync() {
        return false;
    }
}
