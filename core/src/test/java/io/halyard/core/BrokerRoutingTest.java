package io.halyard.core;

import io.halyard.core.client.ClientSession;
import io.halyard.core.client.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing decisions of the broker, in-process: sessions over a transport that records bytes. */
class BrokerRoutingTest {
    private final Broker broker = new Broker(new BrokerConfig());

    @Test
    void shouldDeliverEveryQueueMessageWhenOnlyOneMemberIsEligible() {
        RecordingTransport publisherWire = new RecordingTransport();
        ClientSession publisher = connect(publisherWire, "{\"verbose\":false,\"echo\":false}");
        RecordingTransport otherWire = new RecordingTransport();
        ClientSession other = connect(otherWire, "{\"verbose\":false}");
        // The publisher is itself a member of the group but has echo off, so only "other" may receive.
        send(publisher, "SUB work q 1\r\n");
        send(other, "SUB work q 7\r\n");
        StringBuilder pubs = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            pubs.append("PUB work 1\r\nx\r\n");
        }
        send(publisher, pubs.toString());
        assertEquals(200, count(otherWire.text(), "MSG work 7 1\r\n"));
        assertEquals(0, count(publisherWire.text(), "MSG "));
    }

    @Test
    void shouldSpreadQueueMessagesOverAllMembers() {
        ClientSession publisher = connect(new RecordingTransport(), "{\"verbose\":false}");
        RecordingTransport[] wires = new RecordingTransport[4];
        for (int i = 0; i < wires.length; i++) {
            wires[i] = new RecordingTransport();
            send(connect(wires[i], "{\"verbose\":false}"), "SUB jobs workers " + i + "\r\n");
        }
        StringBuilder pubs = new StringBuilder();
        for (int i = 0; i < 4_000; i++) {
            pubs.append("PUB jobs 0\r\n\r\n");
        }
        send(publisher, pubs.toString());
        int total = 0;
        for (int i = 0; i < wires.length; i++) {
            int n = count(wires[i].text(), "MSG jobs " + i + " 0\r\n");
            assertTrue(n > 4_000 / 4 / 2, "member " + i + " got only " + n);
            total += n;
        }
        assertEquals(4_000, total);
    }

    @Test
    void shouldStopDeliveringAfterUnsubscribeMax() {
        ClientSession publisher = connect(new RecordingTransport(), "{\"verbose\":false}");
        RecordingTransport wire = new RecordingTransport();
        ClientSession sub = connect(wire, "{\"verbose\":false}");
        send(sub, "SUB t 9\r\nUNSUB 9 3\r\n");
        send(publisher, "PUB t 1\r\na\r\n".repeat(10));
        assertEquals(3, count(wire.text(), "MSG t 9 1\r\n"));
        assertEquals(0, broker.subscriptionCount());
    }

    @Test
    void shouldHandPublishesToAnInternalSubscriberAndCountThemAsDelivered() {
        java.util.List<String> seen = new java.util.ArrayList<>();
        broker.subscribe(io.halyard.core.client.Subscription.internal("orders.>", null, (frame, from) -> {
            seen.add(frame.subject() + " " + frame.reply() + " " + frame.payloadLength());
            return true;
        }));
        RecordingTransport wire = new RecordingTransport();
        ClientSession publisher = connect(wire, "{\"verbose\":false,\"headers\":true,\"no_responders\":true}");
        send(publisher, "SUB _INBOX.* 1\r\nPUB orders.new _INBOX.1 3\r\nabc\r\nPUB other _INBOX.2 1\r\nx\r\n");
        assertEquals(java.util.List.of("orders.new _INBOX.1 3"), seen);
        // The internal subscriber counted as a responder; "other" had none.
        assertEquals(1, count(wire.text(), "HMSG _INBOX.2"), wire.text());
        assertEquals(0, count(wire.text(), "HMSG _INBOX.1"), wire.text());
    }

    @Test
    void shouldDeliverBrokerOriginatedMessagesFromAnyThread() throws Exception {
        RecordingTransport wire = new RecordingTransport();
        ClientSession sub = connect(wire, "{\"verbose\":false,\"headers\":true}");
        send(sub, "SUB acks 5\r\n");
        Thread t = new Thread(() -> {
            broker.publish("acks", null, null, "{\"seq\":1}".getBytes(StandardCharsets.US_ASCII));
            broker.publish("acks", "r", "NATS/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        });
        t.start();
        t.join();
        assertEquals(1, count(wire.text(), "MSG acks 5 9\r\n{\"seq\":1}\r\n"), wire.text());
        assertEquals(1, count(wire.text(), "HMSG acks 5 r 12 12\r\nNATS/1.0\r\n\r\n\r\n"));
    }

    private ClientSession connect(RecordingTransport wire, String connectJson) {
        ClientSession s = broker.accept(wire);
        send(s, "CONNECT " + connectJson + "\r\n");
        return s;
    }

    private static void send(ClientSession s, String text) {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
        b.writeCharSequence(text, StandardCharsets.US_ASCII);
        s.read(b);
        s.readComplete();
        b.release();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** A single-threaded transport: tasks run at once, written bytes are kept as text. */
    static class RecordingTransport implements Transport {
        private final StringBuilder written = new StringBuilder();

        String text() {
            return written.toString();
        }

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
            written.append(buffer.toString(StandardCharsets.US_ASCII));
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
            return UnpooledByteBufAllocator.DEFAULT;
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
