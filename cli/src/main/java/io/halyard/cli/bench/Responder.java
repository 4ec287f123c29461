package io.halyard.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The raw responder of the reqrep scenario: for each request it appends
 * {@code PUB <reply> <size>\r\n<payload>\r\n} to an output buffer, and writes that buffer once per read,
 * so replies to concurrent requesters go out together.
 *
 * <p>Not thread-safe: {@link #run()} is its only thread; {@link #stop()} may be called from another.
 */
final class Responder implements RawConnection.MessageListener, Runnable {

    private final RawConnection connection;
    private final ByteBuffer out;
    private final byte[] sizeAndPayload;
    private volatile Exception failure;
    private volatile boolean stopping;

    Responder(RawConnection connection, int payloadBytes, int bufferBytes) {
        byte[] size = (" " + payloadBytes + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] payload = Publisher.fillerPayload(payloadBytes);
        this.sizeAndPayload = new byte[size.length + payloadBytes + 2];
        System.arraycopy(size, 0, sizeAndPayload, 0, size.length);
        System.arraycopy(payload, 0, sizeAndPayload, size.length, payloadBytes);
        sizeAndPayload[sizeAndPayload.length - 2] = '\r';
        sizeAndPayload[sizeAndPayload.length - 1] = '\n';
        this.connection = connection;
        this.out = ByteBuffer.allocateDirect(Math.max(bufferBytes, 2 * sizeAndPayload.length + 8192));
        connection.listen(this);
    }

    @Override
    public void onMessage(MsgScanner frame) {
        if (!frame.hasReply()) {
            return;
        }
        int needed = 4 + frame.replyLength() + sizeAndPayload.length;
        if (out.remaining() < needed) {
            try {
                writeOut();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.put((byte) 'P').put((byte) 'U').put((byte) 'B').put((byte) ' ');
        out.put(frame.lineBytes(), frame.replyOffset(), frame.replyLength());
        out.put(sizeAndPayload);
    }

    @Override
    public void run() {
        try {
            while (true) {
                connection.pump();
                writeOut();
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                failure = e;
            }
        }
    }

    private void writeOut() throws IOException {
        if (out.position() > 0) {
            out.flip();
            connection.write(out);
            out.clear();
        }
    }

    void stop() {
        stopping = true;
        connection.close();
    }

    Exception failure() {
        return failure;
    }
}
