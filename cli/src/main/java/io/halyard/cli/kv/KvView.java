package io.halyard.cli.kv;

import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Details;
import io.halyard.cli.format.Durations;
import io.nats.client.api.KeyValueStatus;
import java.io.PrintWriter;
import java.time.Duration;

/** A bucket's configuration and state for people, as {@code kv info} and {@code kv add} print it. */
final class KvView {

    private KvView() {
    }

    static void print(KeyValueStatus s, PrintWriter out) {
        new Details()
                .heading("Key-value bucket " + s.getBucketName() + " (stream " + s.getBackingStreamInfo().getConfiguration().getName() + ")")
                .section("Configuration")
                .add("Description", s.getDescription())
                .add("Storage", s.getStorageType())
                .add("History Kept", s.getMaxHistoryPerKey())
                .add("Values Expire After", ttl(s.getTtl()))
                .add("Maximum Value Size", ByteSizes.format(s.getMaximumValueSize()))
                .add("Maximum Bucket Size", ByteSizes.format(s.getMaxBucketSize()))
                .add("Replicas", s.getReplicas())
                .section("State")
                .add("Values", String.format("%,d", s.getEntryCount()))
                .add("Size", ByteSizes.format(s.getByteCount()))
                .print(out);
    }

    static String ttl(Duration ttl) {
        return ttl == null || ttl.isZero() ? "never" : Durations.format(ttl);
    }
}
