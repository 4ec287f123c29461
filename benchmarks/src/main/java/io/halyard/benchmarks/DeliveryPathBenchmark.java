package io.halyard.benchmarks;

import io.halyard.core.Broker;
import io.halyard.core.BrokerConfig;
import io.halyard.core.client.ClientSession;
import io.halyard.core.client.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The whole PUB→MSG path in one thread, without sockets: bytes of {@value #FRAMES} {@code PUB}s are
 * fed to a publisher's {@link ClientSession} (parser → session → {@link Broker#route} → subject index
 * → each subscriber's outbound queue, encoded as {@code MSG}), then the read ends and every subscriber
 * connection is flushed to a transport that counts and releases the bytes. One JMH operation is one
 * published message, so {@code gc.alloc.rate.norm} under {@code -prof gc} is bytes allocated per
 * message — the claim is that it is about 0.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/halyard-benchmarks.jar DeliveryPathBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeliveryPathBenchmark {
    static final int FRAMES = 1_000;

    @Param({"16", "1024"})
    int payloadBytes;

    /** Subscribers of the subject: 0 = publish only, 1 = pub→sub, 4 = fan-out. */
    @Param({"0", "1", "4"})
    int subscribers;

    private Broker broker;
    private ClientSession publisher;
    private ByteBuf stream;
    private SinkTransport[] sinks;

    @Setup
    public void setUp() {
        BrokerConfig config = new BrokerConfig();
        broker = new Broker(config);
        publisher = broker.accept(new SinkTransport());
        connect(publisher);
        sinks = new SinkTransport[subscribers];
        for (int i = 0; i < subscribers; i++) {
            sinks[i] = new SinkTransport();
            ClientSession sub = broker.accept(sinks[i]);
            connect(sub);
            feed(sub, "SUB orders.* " + (i + 1) + "\r\n");
            sub.readComplete();
        }
        StringBuilder frames = new StringBuilder();
        String payload = "x".repeat(payloadBytes);
        for (int i = 0; i < FRAMES; i++) {
            frames.append("PUB orders.created ").append(payloadBytes).append("\r\n").append(payload).append("\r\n");
        }
        byte[] bytes = frames.toString().getBytes(StandardCharsets.US_ASCII);
        stream = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        stream.writeBytes(bytes);
    }

    @TearDown
    public void tearDown() {
        stream.release();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void publish(Blackhole bh) {
        stream.readerIndex(0);
        publisher.read(stream);
        publisher.readComplete();
        for (SinkTransport s : sinks) {
            bh.consume(s.bytes);
        }
    }

    private static void connect(ClientSession s) {
        feed(s, "CONNECT {\"verbose\":false,\"headers\":true}\r\n");
        s.readComplete();
    }

    private static void feed(ClientSession s, String text) {
        ByteBuf b = ByteBufAllocator.DEFAULT.heapBuffer();
        b.writeCharSequence(text, StandardCharsets.US_ASCII);
        s.read(b);
        b.release();
    }

    /** A transport on "this" event loop that swallows writes. */
    static final class SinkTransport implements Transport {
        long bytes;

        @Override
        public boolean inEventLoop() {
            return true;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void write(ByteBuf buffer) {
            bytes += buffer.readableBytes();
            buffer.release();
        }

        @Override
        public void flush() {
        }

        @Override
        public long unwrittenBytes() {
            return 0;
        }

        @Override
        public void setReadPaused(boolean paused) {
        }

        @Override
        public void close() {
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            return () -> { };
        }

        @Override
        public ByteBufAllocator allocator() {
            return PooledByteBufAllocator.DEFAULT;
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1:1";
        }

        @Override
        public boolean isSecure() {
            return false;
        }
    }
}
