package io.halyard.cli.jetstream;

import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Details;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.Times;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import java.io.PrintWriter;
import java.time.Duration;

/** A stream's configuration and state for people, as {@code stream info} (and add, purge) print it. */
final class StreamView {

    private StreamView() {
    }

    static void print(StreamInfo info, PrintWriter out) {
        StreamConfiguration c = info.getConfiguration();
        StreamState s = info.getStreamState();
        Details d = new Details()
                .heading("Stream " + c.getName() + " created " + Times.format(info.getCreateTime()));
        d.section("Configuration")
                .add("Subjects", c.getSubjects().isEmpty() ? "-" : String.join(", ", c.getSubjects()))
                .add("Description", c.getDescription())
                .add("Storage", c.getStorageType())
                .add("Retention", c.getRetentionPolicy())
                .add("Discard Policy", c.getDiscardPolicy())
                .add("Replicas", c.getReplicas())
                .add("Maximum Messages", count(c.getMaxMsgs()))
                .add("Maximum Messages Per Subject", count(c.getMaxMsgsPerSubject()))
                .add("Maximum Bytes", ByteSizes.format(c.getMaxBytes()))
                .add("Maximum Age", age(c.getMaxAge()))
                .add("Maximum Message Size", ByteSizes.format(c.getMaximumMessageSize()))
                .add("Maximum Consumers", count(c.getMaxConsumers()))
                .add("Duplicate Window", Durations.format(c.getDuplicateWindow()))
                .add("Allows Direct", c.getAllowDirect())
                .add("Allows Rollups", c.getAllowRollup())
                .add("Deny Deletes", c.getDenyDelete())
                .add("Deny Purges", c.getDenyPurge())
                .add("Sealed", c.getSealed() ? "true" : null);
        io.nats.client.api.MirrorInfo mirror = info.getMirrorInfo();
        if (mirror != null) {
            copySection(d.section("Mirror"), mirror.getName(), mirror.getFilterSubject(), mirror.getLag(),
                    mirror.getActive(), mirror.getError());
        }
        if (info.getSourceInfos() != null) {
            for (io.nats.client.api.SourceInfo src : info.getSourceInfos()) {
                copySection(d.section("Source"), src.getName(), src.getFilterSubject(), src.getLag(), src.getActive(),
                        src.getError());
            }
        }
        d.section("State")
                .add("Messages", String.format("%,d", s.getMsgCount()))
                .add("Bytes", ByteSizes.format(s.getByteCount()))
                .add("First Sequence", sequence(s.getFirstSequence(), s.getFirstTime(), s.getMsgCount()))
                .add("Last Sequence", sequence(s.getLastSequence(), s.getLastTime(), s.getMsgCount()))
                .add("Deleted Messages", s.getDeletedCount() > 0 ? String.format("%,d", s.getDeletedCount()) : null)
                .add("Subjects", String.format("%,d", s.getSubjectCount()))
                .add("Consumers", String.format("%,d", s.getConsumerCount()));
        d.print(out);
    }

    /** A mirror's or a source's name, filter, lag, last activity and error. */
    private static void copySection(Details d, String name, String filter, long lag, Duration active,
                                    io.nats.client.api.Error error) {
        d.add("Stream Name", name)
                .add("Filter", filter)
                .add("Lag", String.format("%,d", lag))
                .add("Last Seen", active == null || active.isNegative() ? "never" : Durations.format(active) + " ago")
                .add("Error", error == null ? null : error.toString());
    }

    static String count(long limit) {
        return limit < 0 ? "unlimited" : String.format("%,d", limit);
    }

    static String age(Duration d) {
        return d == null || d.isZero() ? "unlimited" : Durations.format(d);
    }

    private static String sequence(long seq, java.time.ZonedDateTime time, long messages) {
        return messages == 0 || Times.never(time) ? String.format("%,d", seq)
                : String.format("%,d @ %s", seq, Times.format(time));
    }
}
