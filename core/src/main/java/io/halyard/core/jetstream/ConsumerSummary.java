package io.halyard.core.jetstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One consumer's figures for monitoring ({@code /jsz}, {@code /metrics}): what its ConsumerInfo
 * reports as {@code num_pending}, {@code num_ack_pending}, {@code num_redelivered} and
 * {@code num_waiting}, plus the delivered and ack-floor stream sequences.
 */
public record ConsumerSummary(String stream, String name, long numPending, long numAckPending, long numRedelivered,
                              long numWaiting, long deliveredStreamSeq, long ackFloorStreamSeq) {

    /**
     * Every consumer of every stream, read on the JetStream thread (which owns their state); empty
     * when that thread does not answer within {@code timeoutMillis} (busy, or closed).
     */
    public static List<ConsumerSummary> all(JetStream js, long timeoutMillis) {
        FutureTask<List<ConsumerSummary>> f = new FutureTask<>(() -> collect(js));
        try {
            js.executor().execute(f); // after close the executor drops it: the wait below times out
        } catch (RuntimeException e) {
            return List.of();
        }
        try {
            List<ConsumerSummary> out = f.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return out == null ? List.of() : out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            f.cancel(false);
            return List.of();
        }
    }

    private static List<ConsumerSummary> collect(JetStream js) {
        List<ConsumerSummary> out = new ArrayList<>();
        for (Stream s : js.streams()) {
            for (Consumer c : js.consumers().of(s.name())) {
                ConsumerState st = c.state;
                out.add(new ConsumerSummary(c.stream, c.name, c.numPending(), st.pending.size(), st.redelivered.size(),
                        c.numWaiting(), st.deliveredStreamSeq, st.ackFloorStreamSeq));
            }
        }
        return out;
    }
}
