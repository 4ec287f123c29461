package io.halyard.benchmarks;

import io.halyard.protocol.NatsParser;
import io.halyard.protocol.ParserListener;
import io.halyard.protocol.ProtocolError;
import io.halyard.protocol.PublishFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@link NatsParser} throughput on a stream of {@value #FRAMES} {@code PUB} frames; one JMH operation
 * is one message, so the score is messages per second and {@code gc.alloc.rate.norm} (with
 * {@code -prof gc}) is bytes allocated per message, which should be about 0.
 *
 * <p>{@code readBytes} is how the stream reaches the parser: 0 = all frames in one buffer (every message
 * is handed out from the inbound buffer), 1460 = cut into TCP-segment-sized reads (messages that cross
 * a cut are gathered into the parser's buffer). The buffers are direct, as Netty's socket reads are.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/halyard-benchmarks.jar NatsParserBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NatsParserBenchmark {
    static final int FRAMES = 1_000;
    private static final String SUBJECT = "orders.eu.created";

    @Param({"16", "1024"})
    int payloadBytes;

    @Param({"0", "1460"})
    int readBytes;

    private ByteBuf stream;
    private ByteBuf[] reads;
    private NatsParser parser;
    private ConsumingListener listener;

    @Setup
    public void setUp() {
        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        byte[] controlLine = ("PUB " + SUBJECT + " " + payloadBytes + "\r\n").getBytes(StandardCharsets.US_ASCII);
        stream = Unpooled.directBuffer(FRAMES * (controlLine.length + payloadBytes + 2));
        for (int i = 0; i < FRAMES; i++) {
            stream.writeBytes(controlLine).writeBytes(payload).writeByte('\r').writeByte('\n');
        }
        reads = cut(stream, readBytes);
        listener = new ConsumingListener();
        parser = new NatsParser(listener, 4096, 1024 * 1024);
        parse();
        if (listener.messages != FRAMES || listener.error != null) {
            throw new IllegalStateException("parsed " + listener.messages + " messages, error " + listener.error);
        }
    }

    /** Slices made once here, so that the measured loop allocates nothing of its own. */
    private static ByteBuf[] cut(ByteBuf stream, int readBytes) {
        if (readBytes == 0) {
            return new ByteBuf[] {stream};
        }
        int length = stream.readableBytes();
        ByteBuf[] reads = new ByteBuf[(length + readBytes - 1) / readBytes];
        for (int i = 0; i < reads.length; i++) {
            int from = i * readBytes;
            reads[i] = stream.slice(from, Math.min(readBytes, length - from));
        }
        return reads;
    }

    @TearDown
    public void tearDown() {
        stream.release();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long parse() {
        for (ByteBuf read : reads) {
            read.readerIndex(0);
            parser.parse(read);
        }
        return listener.checksum;
    }

    /** Touches what a session would read of each frame, so that nothing is optimised away. */
    static final class ConsumingListener implements ParserListener {
        long checksum;
        long messages;
        ProtocolError error;

        @Override
        public void onPublish(PublishFrame frame) {
            messages++;
            checksum += frame.subjectLength() + frame.line()[frame.subjectOffset()]
                    + frame.message().getByte(frame.messageIndex() + frame.messageLength() - 1);
        }

        @Override
        public void onConnect(String json) {
        }

        @Override
        public void onSubscribe(String subject, String queue, String sid) {
        }

        @Override
        public void onUnsubscribe(String sid, long maxMessages) {
        }

        @Override
        public void onPing() {
        }

        @Override
        public void onPong() {
        }

        @Override
        public void onProtocolError(ProtocolError error) {
            this.error = error;
        }
    }
}
