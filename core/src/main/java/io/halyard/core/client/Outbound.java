package io.halyard.core.client;

import io.netty.buffer.ByteBuf;

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
 * <h2>Flush scheduling</h2>
 * A writer that appends calls {@link #markForFlush()}; if that returns true the writer owns the duty
 * to call {@link #requestFlush()} once its batch (a socket read's worth of frames) is done — see
 * {@link DeliveryBatch}. {@link #flush()} clears the mark before swapping the buffer, so bytes
 * appended concurrently are either in the swapped buffer or trigger a new mark.
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
    private static final int INITIAL_CAPACITY = 16 * 1024;

    private final ClientSession owner;
    private final Transport transport;
    private final long maxPendingBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean flushMarked = new AtomicBoolean();
    private final Runnable flushTask = this::flush;

    /** Guarded by {@link #lock}. */
    private ByteBuf pending;
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
     * a non-null return the caller must write its frame and then call {@link #unlock()}.
     */
    public ByteBuf lockForWrite(int bytes) {
        lock.lock();
        if (closed) {
            lock.unlock();
            return null;
        }
        ByteBuf buf = pending;
        int queued = buf == null ? 0 : buf.readableBytes();
        if (queued + transport.unwrittenBytes() + bytes > maxPendingBytes) {
            boolean first = !slow;
            slow = true;
            lock.unlock();
            if (first) {
                transport.execute(owner::slowConsumer);
            }
            return null;
        }
        if (buf == null) {
            buf = transport.allocator().directBuffer(Math.max(INITIAL_CAPACITY, bytes));
            pending = buf;
        } else {
            buf.ensureWritable(bytes);
        }
        return buf;
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

    /** Writes everything queued so far to the transport. Owner's event loop only. */
    public void flush() {
        flushMarked.set(false);
        ByteBuf buf;
        lock.lock();
        try {
            buf = pending;
            pending = null;
        } finally {
            lock.unlock();
        }
        if (buf != null) {
            if (buf.isReadable()) {
                transport.write(buf);
            } else {
                buf.release();
            }
        }
    }

    /** Drops anything queued and refuses further writes. Owner's event loop only. */
    void close() {
        ByteBuf buf;
        lock.lock();
        try {
            closed = true;
            buf = pending;
            pending = null;
        } finally {
            lock.unlock();
        }
        if (buf != null) {
            buf.release();
        }
    }

    /** Bytes queued here and not yet handed to the transport, plus the transport's unwritten bytes. */
    public long pendingBytes() {
        lock.lock();
        try {
            return (pending == null ? 0 : pending.readableBytes()) + transport.unwrittenBytes();
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
