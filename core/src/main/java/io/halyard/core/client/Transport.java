package io.halyard.core.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.concurrent.TimeUnit;

/**
 * What a {@link ClientSession} needs from its connection: the event loop that owns it, a way to write
 * bytes, and timers. Implemented by the server over a Netty channel; by tests over anything.
 *
 * <p>{@link #write}, {@link #close} and timers run on the owning event loop; {@link #execute} and
 * {@link #inEventLoop} may be called from any thread.
 */
public interface Transport {

    /** Whether the calling thread is the connection's event loop. */
    boolean inEventLoop();

    /** Runs {@code task} on the connection's event loop. */
    void execute(Runnable task);

    /** Queues {@code buffer} for the socket, taking ownership of it; see {@link #flush()}. Event loop only. */
    void write(ByteBuf buffer);

    /** Pushes everything written so far to the socket. Event loop only. */
    void flush();

    /** Bytes handed to {@link #write} but not yet accepted by the socket. Any thread. */
    long unwrittenBytes();

    /** Stops (true) or resumes (false) reading from the peer: back-pressure on a producer. Event loop only. */
    void setReadPaused(boolean paused);

    /** Closes the connection after what was written has been flushed. Event loop only. */
    void close();

    /** Schedules {@code task} on the event loop after a delay; the returned handle cancels it. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    ByteBufAllocator allocator();

    /** {@code host:port} of the peer, for logs and monitoring. */
    String remoteAddress();

    /** Whether the connection is encrypted (TLS). */
    boolean isSecure();

    /** A scheduled task's handle. */
    interface Cancellable {
        void cancel();
    }
}
