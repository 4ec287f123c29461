package io.halyard.core.jetstream;

import io.halyard.core.Broker;
import io.halyard.core.BrokerConfig;
import io.halyard.core.client.Subscription;
import io.halyard.log.DurabilityListener;
import io.halyard.log.EpochClock;
import io.halyard.log.MemoryStore;
import io.halyard.log.StoreOptions;
import io.halyard.log.StreamStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The PubAck leaves only once the store reports the message durable. */
class StreamDurabilityTest {
    private final AtomicLong durable = new AtomicLong();
    private DurabilityListener storeListener;

    /** A memory store whose durable sequence the test moves by hand, as a file store's writer would. */
    private StreamStore slowDisk(DurabilityListener listener) {
        storeListener = listener;
        MemoryStore real = new MemoryStore(StoreOptions.defaults(null));
        return (StreamStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {StreamStore.class}, (p, m, args) -> {
            if (m.getName().equals("durableSequence")) {
                return durable.get();
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private void makeDurable(long sequence) {
        durable.set(sequence);
        storeListener.onDurable(sequence);
    }

    @Test
    void shouldSendThePubAckOnlyAfterTheMessageIsDurable() throws Exception {
        Broker broker = new Broker(new BrokerConfig());
        List<String> acks = new CopyOnWriteArrayList<>();
        broker.subscribe(Subscription.internal("acks", null, (frame, from) -> {
            byte[] body = new byte[frame.payloadLength()];
            frame.message().getBytes(frame.messageIndex() + Math.max(0, frame.headerLength()), body);
            acks.add(new String(body, StandardCharsets.UTF_8));
            return true;
        }));
        StreamConfig config = StreamConfigRules.normalize(StreamConfig.fromJson(ApiJson.parseObject("{\"name\":\"S\"}".getBytes())));
        Stream stream = new Stream(broker, Runnable::run, EpochClock.SYSTEM, config, 0, this::slowDisk);
        List<Long> told = new CopyOnWriteArrayList<>();
        stream.addListener((s, seq) -> told.add(seq));
        stream.start();

        stream.store("S", "acks", null, ByteBuffer.wrap(new byte[] {1}), true);
        stream.store("S", "acks", null, ByteBuffer.wrap(new byte[] {2}), true);
        assertEquals(List.of(), acks);

        makeDurable(1);
        assertEquals(List.of("{\"stream\":\"S\",\"seq\":1}"), acks);
        makeDurable(2);
        assertEquals(List.of("{\"stream\":\"S\",\"seq\":1}", "{\"stream\":\"S\",\"seq\":2}"), acks);
        assertEquals(2L, told.get(told.size() - 1));
    }
}
