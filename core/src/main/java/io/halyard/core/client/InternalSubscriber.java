package io.halyard.core.client;

import io.halyard.protocol.PublishFrame;

/**
 * A subscriber inside the broker (a stream capturing its subjects, the JetStream API): receives
 * published messages as calls instead of {@code MSG} frames.
 *
 * <p>Called on the publisher's thread, once per message, with a frame that is valid only during the
 * call: copy what must outlive it. Must not block.
 */
@FunctionalInterface
public interface InternalSubscriber {
    /**
     * @param from the publishing connection, or {@code null} for a message the broker originated
     * @return whether the message was taken (counts as a delivery for no-responders)
     */
    boolean onMessage(PublishFrame frame, ClientSession from);
}
