package io.halyard.cli.bench;

import java.util.Locale;
import java.util.StringJoiner;

/** The load shapes the bench command knows. */
enum Scenario {
    /** One publisher, no subscribers: how fast the server ingests. */
    PUB("pub"),
    /** One publisher, one subscriber. */
    PUBSUB("pubsub"),
    /** One publisher, several subscribers on the same subject. */
    FANOUT("fanout"),
    /** One publisher, a queue group; checks every message is delivered exactly once across the group. */
    QUEUE("queue"),
    /** Concurrent requesters against one responder: latency percentiles and throughput. */
    REQREP("reqrep"),
    /** JetStream asynchronous publish into a file stream, a window of un-acknowledged messages; PubAcks/s. */
    JSPUB("jspub"),
    /** A pre-filled file stream drained by pull consumers that acknowledge every message (ack policy explicit). */
    JSPULL("jspull"),
    /** As {@link #JSPULL} with ack policy all: one acknowledgement per batch covers the messages before it. */
    JSPULL_ACKALL("jspull-ackall"),
    /** Key-value puts then gets, synchronous, on a file bucket: puts/s and gets/s with latencies. */
    KV("kv"),
    /** A pre-filled file stream copied by a new file stream that mirrors it: copied msgs/s. */
    MIRROR("mirror"),
    /** A pre-filled file stream copied by a new file stream that sources it: copied msgs/s. */
    SOURCE("source");

    private final String cliName;

    Scenario(String cliName) {
        this.cliName = cliName;
    }

    String cliName() {
        return cliName;
    }

    static Scenario fromCliName(String name) {
        StringJoiner known = new StringJoiner(", ");
        for (Scenario s : values()) {
            if (s.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
            known.add(s.cliName);
        }
        throw new IllegalArgumentException("unknown scenario '" + name + "' (known: " + known + ")");
    }
}
