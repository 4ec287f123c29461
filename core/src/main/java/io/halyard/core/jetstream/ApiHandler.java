package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Answers one API operation. Runs on the JetStream thread. Fills {@code response} (which already
 * holds its {@code "type"}) or throws {@link ApiException}; the dispatcher sends either.
 */
@FunctionalInterface
public interface ApiHandler {
    void handle(ApiRequest request, ObjectNode response);
}
