package io.halyard.core.jetstream;

/**
 * Ends an API request (or a publish) with an {@link ApiError}: thrown inside the handlers and turned
 * into the error response at one place. Carries no stack trace: it is control flow, not a fault.
 */
public final class ApiException extends RuntimeException {
    private final transient ApiError error;

    public ApiException(ApiError error) {
        super(error.description(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
