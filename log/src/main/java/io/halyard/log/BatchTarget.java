package io.halyard.log;

import java.nio.channels.FileChannel;

/** A file the {@link GroupCommitWriter} appends to: a segment or the delete journal. */
interface BatchTarget {
    FileChannel writeChannel();

    /** Bytes up to {@code endPosition} are written (and fsynced, when the mode says so). */
    void onWritten(long endPosition);
}
