package io.halyard.core.jetstream;

import java.util.List;

/**
 * One JetStream API request, copied off the publishing connection's frame: the subject, the reply
 * subject, the subject's tokens after the operation ({@code args}: for
 * {@code $JS.API.STREAM.INFO.ORDERS} the operation is {@code STREAM.INFO} and args {@code [ORDERS]}),
 * and the body (headers excluded). Immutable.
 */
public record ApiRequest(String subject, String reply, List<String> args, byte[] body, byte[] headers) {

    /** The first argument: the stream name for every STREAM.* and CONSUMER.* operation. */
    public String stream() {
        return args.get(0);
    }

    /** The arguments from {@code from} on, joined with dots (a subject carried in the API subject). */
    public String argsFrom(int from) {
        return String.join(".", args.subList(from, args.size()));
    }
}
