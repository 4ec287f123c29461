package io.halyard.cli.bench;

import java.util.Locale;

/** The load shapes the bench command knows. */
enum Scenario {
    /** One publisher, no subscribers: how fast the server ingests. */
    PUB,
    /** One publisher, one subscriber. */
    PUBSUB,
    /** One publisher, several subscribers on the same subject. */
    FANOUT,
    /** One publisher, a queue group; checks every message is delivered exactly once across the group. */
    QUEUE,
    /** Concurrent requesters against one responder: latency percentiles and throughput. */
    REQREP,
    /** JetStream asynchronous publish into a file stream, a window of un-acknowledged messages; PubAcks/s. */
    JSPUB;

    String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Scenario fromCliName(String name) {
        for (Scenario s : values()) {
            if (s.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + name + "' (known: pub, pubsub, fanout, queue, reqrep, jspub)");
    }
}
