package io.halyard.log;

/** When an append counts as durable, and so when the store reports it complete. */
public enum DurabilityMode {
    /**
     * fsync before completing: the writer gathers every append that arrived while the previous
     * fsync ran, writes them in one go, fsyncs once and completes them all (group commit). The
     * default.
     */
    ALWAYS,
    /**
     * Complete once the record is written to the operating system; fsync every
     * {@link StoreOptions#syncIntervalNanos()}. A machine crash can lose up to one interval.
     */
    INTERVAL,
    /** Complete once written to the operating system; fsync only when a segment is sealed or closed. */
    NONE
}
