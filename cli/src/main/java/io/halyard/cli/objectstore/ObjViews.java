package io.halyard.cli.objectstore;

import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Details;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.Times;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectLink;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.support.JsonValue;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** Buckets and objects for people, and objects as JSON (jnats' object info, as stored in the bucket). */
final class ObjViews {

    private ObjViews() {
    }

    static void print(ObjectStoreStatus s, PrintWriter out) {
        new Details()
                .heading("Object bucket " + s.getBucketName() + " (stream " + s.getBackingStreamInfo().getConfiguration().getName() + ")")
                .section("Configuration")
                .add("Description", s.getDescription())
                .add("Storage", s.getStorageType())
                .add("Objects Expire After", s.getTtl() == null || s.getTtl().isZero() ? "never" : Durations.format(s.getTtl()))
                .add("Maximum Bucket Size", ByteSizes.format(s.getMaxBucketSize()))
                .add("Replicas", s.getReplicas())
                .add("Sealed", s.isSealed())
                .section("State")
                .add("Size", ByteSizes.format(s.getSize()))
                .print(out);
    }

    static void print(ObjectInfo o, PrintWriter out) {
        Details d = new Details().heading("Object " + o.getObjectName() + " in bucket " + o.getBucket());
        d.add("Description", o.getDescription())
                .add("Size", ByteSizes.format(o.getSize()) + (o.getSize() >= 1024 ? String.format(" (%,d bytes)", o.getSize()) : ""))
                .add("Chunks", o.getChunks())
                .add("Digest", o.getDigest())
                .add("Modified", Times.format(o.getModified()))
                .add("Link", link(o.getLink()))
                .add("Deleted", o.isDeleted() ? "true" : null);
        if (o.getHeaders() != null) {
            for (String key : o.getHeaders().keySet()) {
                d.add("Header " + key, String.join(", ", o.getHeaders().get(key)));
            }
        }
        d.print(out);
    }

    /** jnats' object info as stored in the bucket, plus {@code mtime} (the time of that record), which it leaves out. */
    static JsonValue json(ObjectInfo o) {
        JsonValue stored = Json.parse(o.toJson());
        if (stored.map == null || stored.map.containsKey("mtime") || o.getModified() == null) {
            return stored;
        }
        Map<String, JsonValue> withTime = new TreeMap<>(stored.map);
        withTime.put("mtime", Json.of(o.getModified()));
        return new JsonValue(withTime);
    }

    private static String link(ObjectLink link) {
        if (link == null) {
            return null;
        }
        return link.isBucketLink() ? "bucket " + link.getBucket() : link.getBucket() + " > " + link.getObjectName();
    }
}
