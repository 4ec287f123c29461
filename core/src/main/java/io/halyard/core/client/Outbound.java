package io.halyard.core.client;

import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's outgoing byte queue: publishers on any event loop append encoded frames under a short
 * lock; the owning event loop swaps the accumulated buffer out and writes it with one flush.
 *
 * <h2>Why copy instead of sharing payload slices</h2>
 * Frames of many messages (and many publishers) coalesce into one buffer, so a flush is one
 * {@code write()} for thousands of small messages. Sharing the publisher's inbound buffer as a
 * retained slice would need one buffer object per message per subscriber (garbage on the hot path)
 * and a composite of thousands of components per flush. Copying a payload into a pooled buffer is
 * a {@code memcpy}; it allocates nothing.
 *
 * <h2>Chunks</h2>
 * Frames are appended to fixed-capacity pooled chunks: 8 KiB while traffic is light, 64 KiB once a
 * chunk has filled (back to 8 KiB when a flush finds its chunk less than a quarter full); a larger
 * frame gets a chunk of its own size. Sizing by recent traffic keeps a busy connection from taking
 * a fresh small buffer every few messages (each take can allocate: Netty's recycler keeps only some
 * buffer objects). A full chunk is queued and a new one started, so
 * no buffer is ever grown (no reallocation, no copy) and a flush hands the chunks to the transport
 * as they are, then flushes once. Each time a chunk fills, the writer is told to ask for a flush at
 * once ({@link #takeEarlyFlush()}) rather than at the end of its batch: a large read must not queue
 * megabytes for a subscriber (and trip a small max_pending) before anything is written.
 *
 * <h2>Flush scheduling</h2>
 * A writer that appends calls {@link #markForFlush()}; if that returns true the writer owns the duty
 * to call {@link #requestFlush()} once its batch (a socket read's worth of frames) is done — see
 * {@link DeliveryBatch}. {@link #flush()} clears the mark before swapping the buffer, so bytes
 * appended concurrently are either in the swapped buffer or trigger a new mark.
 *
 * <h2>Back-pressure</h2>
 * Above {@link #stallThresholdBytes()} pending, a writer is told to hold its producer back
 * ({@link #overStallThreshold()}, {@link DeliveryBatch#stallOn}): the producer stops reading until
 * this connection drains, for a few milliseconds at most — nats-server's producer stall, without
 * blocking an event loop.
 *
 * <h2>Slow consumers</h2>
 * When bytes queued here plus bytes the transport has not yet written exceed {@code maxPendingBytes},
 * the connection is a slow consumer: the append is refused and {@link ClientSession#slowConsumer()}
 * runs on the owner's loop, which closes the connection (nats-server's max_pending behaviour).
 *
 * <p>Thread-safety: {@link #lockForWrite}/{@link #unlock} and {@link #markForFlush}/{@link
 * #requestFlush} from any thread; {@link #flush} and {@link #close} on the owner's event loop.
 */
public final class Outbound {
    private static final int SMALL_CHUNK_BYTES = 8 * 1024;
    private static final int CHUNK_BYTES = 64 * 1024;

    private final ClientSession owner;
    private final Transport transport;
    private final long maxPendingBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean flushMarked = new AtomicBoolean();
    private final Runnable flushTask = this::flush;

    /** Capacity of the next chunk; guarded by {@link #lock}. */
    private int nextChunkBytes = SMALL_CHUNK_BYTES;
    /** The chunk being filled; guarded by {@link #lock}. */
    private ByteBuf current;
    /** Full chunks waiting for a flush; guarded by {@link #lock}. */
    private ArrayDeque<ByteBuf> full = new ArrayDeque<>();
    /** The flusher's deque, swapped with {@link #full} under the lock; owner's loop only. */
    private ArrayDeque<ByteBuf> draining = new ArrayDeque<>();
    /** Bytes in {@link #full}; guarded by {@link #lock}. */
    private long fullBytes;
    /**
     * The transport's unwritten bytes as sampled at the last flush. It only shrinks between flushes
     * (the socket drains), so it is an upper bound; reading the transport on every message would cost
     * a chain of volatile reads. Refreshed before a slow-consumer verdict. Guarded by {@link #lock}.
     */
    private long unwrittenSample;
    /** Pending bytes seen by the last {@link #lockForWrite}; guarded by {@link #lock}. */
    private long lastPending;
    /** A chunk filled since the last {@link #takeEarlyFlush()}; guarded by {@link #lock}. */
    private boolean earlyFlush;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Guarded by {@link #lock}; reported to the owner once. */
    private boolean slow;

    /** Messages and bytes written to this connection; guarded by {@link #lock}. */
    long messagesOut;
    long bytesOut;

    Outbound(ClientSession owner, Transport transport, long maxPendingBytes) {
        this.owner = owner;
        this.transport = transport;
        this.maxPendingBytes = maxPendingBytes;
    }

    /**
     * Locks the queue and returns a buffer with room for {@code bytes} more, or returns {@code null}
     * (without holding the lock) when the connection is closed or has just become a slow consumer. On
     * a non-null return the caller must write at most {@code bytes} and then call {@link #unlock()}.
     */
    public ByteBuf lockForWrite(int bytes) {
        lock.lock();
        if (closed) {
            lock.unlock();
            return null;
        }
        ByteBuf buf = current;
        long queued = fullBytes + (buf == null ? 0 : buf.readableBytes()) + bytes;
        long pending = queued + unwrittenSample;
        if (pending > maxPendingBytes) {
            unwrittenSample = transport.unwrittenBytes(); // the sample may be stale: look again
            pending = queued + unwrittenSample;
        }
        lastPending = pending;
        if (pending > maxPendingBytes) {
            boolean first = !slow;
            slow = true;
            lock.unlock();
            if (first) {
                transport.execute(owner::slowConsumer);
            }
            return null;
        }
        if (buf == null || buf.writableBytes() < bytes) {
            if (buf != null) {
                nextChunkBytes = CHUNK_BYTES; // a chunk filled: traffic is heavy
                if (buf.isReadable()) {
                    full.add(buf);
                    fullBytes += buf.readableBytes();
                    earlyFlush = true;
                } else {
                    buf.release();
                }
            }
            int capacity = Math.max(nextChunkBytes, bytes);
            buf = transport.allocator().directBuffer(capacity, capacity);
            current = buf;
        }
        return buf;
    }

    /**
     * Whether a chunk filled since the last call, so the writer should {@link #requestFlush()} now.
     * Call while holding the lock; clears the indication.
     */
    boolean takeEarlyFlush() {
        boolean early = earlyFlush;
        earlyFlush = false;
        return early;
    }

    /**
     * Whether this connection has so much queued that producers should wait for it (see
     * {@link DeliveryBatch#stallOn}). Call while holding the lock.
     */
    boolean overStallThreshold() {
        return lastPending > stallThresholdBytes();
    }

    /** Producers pause above this many pending bytes: a quarter of max_pending, at most 8 MiB. */
    long stallThresholdBytes() {
        return Math.min(maxPendingBytes / 4, 8L * 1024 * 1024);
    }

    /** Takes the lock without writing (to change state publishers read under it). */
    void lock() {
        lock.lock();
    }

    /** Releases the lock taken by a successful {@link #lockForWrite} or {@link #lock()}. */
    public void unlock() {
        lock.unlock();
    }

    /** Counts one message of {@code bytes} written while holding the lock. */
    void countMessage(int bytes) {
        messagesOut++;
        bytesOut += bytes;
    }

    /**
     * Marks the queue as needing a flush. Returns true when the caller has become responsible for
     * calling {@link #requestFlush()}; false when someone else already is.
     */
    public boolean markForFlush() {
        return !flushMarked.get() && flushMarked.compareAndSet(false, true);
    }

    /** Flushes now when on the owner's loop, or asks the owner's loop to. Any thread. */
    public void requestFlush() {
        if (transport.inEventLoop()) {
            flush();
        } else {
            transport.execute(flushTask);
        }
    }

    /** Hands everything queued so far to the transport and flushes it. Owner's event loop only. */
    public void flush() {
        flushMarked.set(false);
        ByteBuf last;
        ArrayDeque<ByteBuf> chunks;
        lock.lock();
        try {
            earlyFlush = false;
            last = current;
            if (full.isEmpty() && last != null && last.readableBytes() < last.capacity() / 4) {
                nextChunkBytes = SMALL_CHUNK_BYTES; // no chunk filled since the last flush: light traffic
            }
            current = null;
            chunks = full;
            full = draining;
            draining = chunks;
            fullBytes = 0;
        } finally {
            lock.unlock();
        }
        boolean wrote = false;
        for (ByteBuf b; (b = chunks.poll()) != null; ) {
            transport.write(b);
            wrote = true;
        }
        if (last != null) {
            if (last.isReadable()) {
                transport.write(last);
                wrote = true;
            } else {
                last.release();
            }
        }
        if (wrote) {
            transport.flush();
        }
        long unwritten = transport.unwrittenBytes();
        lock.lock();
        unwrittenSample = unwritten;
        lock.unlock();
    }

    /** Drops anything queued and refuses further writes. Owner's event loop only. */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (current != null) {
                current.release();
                current = null;
            }
            for (ByteBuf b; (b = full.poll()) != null; ) {
                b.release();
            }
            fullBytes = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued here and not yet handed to the transport, plus the transport's unwritten bytes. */
    public long pendingBytes() {
        lock.lock();
        try {
            return fullBytes + (current == null ? 0 : current.readableBytes()) + transport.unwrittenBytes();
        } finally {
            lock.unlock();
        }
    }

    public long messagesOut() {
        lock.lock();
        try {
            return messagesOut;
        } finally {
            lock.unlock();
        }
    }

    public long bytesOut() {
        lock.lock();
        try {
            return bytesOut;
        } finally {
            lock.unlock();
        }
    }
}
