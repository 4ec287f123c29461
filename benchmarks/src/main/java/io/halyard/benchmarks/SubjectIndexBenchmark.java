package io.halyard.benchmarks;

import io.halyard.core.subject.Match;
import io.halyard.core.subject.SubjectIndex;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SubjectIndex#match(byte[], int, int)}: cache hits, cached "no interest", and misses that
 * walk the trie, with 1,000 and 100,000 entries.
 *
 * <p>Entries, for {@code i < subscriptions} and region {@code r = i % 97}: 90% plain literals
 * {@code orders.<r>.<i>.created}, 8% the same literal in queue group {@code workers<i%4>}, 1%
 * {@code orders.<r>.*.created} and 1% {@code orders.<r>.<i>.>}. A hot subject matches its literal
 * or group entry plus the {@code *} entries of its region; a cold subject (an id beyond the
 * entries) matches only those {@code *} entries, if its region has any.
 *
 * <p>Run: {@code java -jar benchmarks/target/halyard-benchmarks.jar SubjectIndexBenchmark -f 1 -wi 2
 * -i 3 -w 2s -r 2s -prof gc}; {@code gc.alloc.rate.norm} should be about 0 B/op for the hit
 * benchmarks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// A fixed, pre-touched heap: otherwise the miss benchmark (about 0.5 KB per op) pays for first
// touches of a young generation that keeps growing, and its time drifts upwards run after run.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SubjectIndexBenchmark {

    /** Subjects cycled by the hit benchmarks; all fit in the default cache. */
    private static final int HOT = 256;
    /** Distinct subjects cycled by the miss benchmark: 16 times the default cache. */
    private static final int COLD = 1 << 16;

    @Param({"1000", "100000"})
    public int subscriptions;

    private SubjectIndex<Object> index;
    private byte[][] hot;
    private byte[][] noInterest;
    private byte[][] cold;

    /** Each benchmark thread walks the subjects from its own position. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setUp() {
        index = new SubjectIndex<>();
        for (int i = 0; i < subscriptions; i++) {
            int kind = i % 100;
            int region = i % 97; // coprime with 100: every kind spreads over the regions
            if (kind < 90) {
                index.insert("orders." + region + "." + i + ".created", null, new Object());
            } else if (kind < 98) {
                index.insert("orders." + region + "." + i + ".created", "workers" + i % 4, new Object());
            } else if (kind == 98) {
                index.insert("orders." + region + ".*.created", null, new Object());
            } else {
                index.insert("orders." + region + "." + i + ".>", null, new Object());
            }
        }
        hot = new byte[HOT][];
        noInterest = new byte[HOT][];
        int stride = Math.max(1, subscriptions / HOT);
        for (int j = 0; j < HOT; j++) {
            int i = j * stride + j % 7;
            hot[j] = ascii("orders." + i % 97 + "." + i + ".created");
            noInterest[j] = ascii("metrics.host" + j + ".cpu");
        }
        cold = new byte[COLD][];
        for (int j = 0; j < COLD; j++) {
            int i = subscriptions + j;
            cold[j] = ascii("orders." + i % 97 + "." + i + ".created");
        }
        for (byte[] subject : hot) {
            if (index.match(subject, 0, subject.length).isEmpty()) {
                throw new IllegalStateException("hot subject matches nothing: " + new String(subject));
            }
        }
    }

    /** A cached subject with interest: the hot path of a publish. */
    @Benchmark
    public Match<Object> hit(Cursor cursor) {
        byte[] subject = hot[cursor.next++ & (HOT - 1)];
        return index.match(subject, 0, subject.length);
    }

    /** As {@link #hit}, from two threads at once: the shared cache under concurrent readers. */
    @Benchmark
    @Threads(2)
    public Match<Object> hitTwoThreads(Cursor cursor) {
        byte[] subject = hot[cursor.next++ & (HOT - 1)];
        return index.match(subject, 0, subject.length);
    }

    /** A cached hit, then one member picked from every queue group, as a router fans out. */
    @Benchmark
    public Object hitAndPick(Cursor cursor) {
        byte[] subject = hot[cursor.next++ & (HOT - 1)];
        Match<Object> m = index.match(subject, 0, subject.length);
        Object last = null;
        for (int g = 0; g < m.groupCount(); g++) {
            last = m.pick(g);
        }
        return last;
    }

    /** A cached subject that nobody subscribes to. */
    @Benchmark
    public Match<Object> hitNoInterest(Cursor cursor) {
        byte[] subject = noInterest[cursor.next++ & (HOT - 1)];
        return index.match(subject, 0, subject.length);
    }

    /** A subject not in the cache: tokenize, walk the trie, build and cache the result. */
    @Benchmark
    public Match<Object> miss(Cursor cursor) {
        byte[] subject = cold[cursor.next++ & (COLD - 1)];
        return index.match(subject, 0, subject.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
