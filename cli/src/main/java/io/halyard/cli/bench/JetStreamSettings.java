package io.halyard.cli.bench;

/**
 * What the JetStream scenarios need beyond {@link BenchSettings}.
 *
 * @param pullMessages messages {@code jspull} fills its stream with (at most {@code --msgs})
 * @param pullBatch    messages a pulling client asks for at once
 * @param kvKeys       distinct keys {@code kv} writes and reads
 */
record JetStreamSettings(long pullMessages, int pullBatch, int kvKeys) {

    static final JetStreamSettings DEFAULTS = new JetStreamSettings(200_000, 256, 1_000);

    JetStreamSettings {
        if (pullMessages <= 0 || pullBatch <= 0 || kvKeys <= 0) {
            throw new IllegalArgumentException("pull messages, pull batch and key count must be positive");
        }
    }
}
