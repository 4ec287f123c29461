package io.halyard.server.it;

/**
 * The servers a conformance test runs against: Halyard in-process, and the real nats-server as the
 * reference. A test parameterised over this enum asserts the same expectations on both, so an
 * expectation that nats-server does not meet is a wrong test, not a Halyard bug.
 */
enum ServerTarget {
    HALYARD {
        @Override
        Endpoint start() throws Exception {
            TestServers.Running server = TestServers.start();
            return new Endpoint(server.port(), server::close);
        }
    },
    NATS_SERVER {
        /** Skips the calling test when nats-server is not installed. */
        @Override
        Endpoint start() throws Exception {
            NatsServerProcess process = NatsServerProcess.startOrSkip();
            return new Endpoint(process.port(), process::close);
        }
    };

    /** Starts a server of this kind with default options. */
    abstract Endpoint start() throws Exception;

    /** How an endpoint's server is stopped. */
    interface Stopper {
        void stop() throws java.io.IOException;
    }

    /** A running server of either kind: where it listens, and how to stop it. */
    static final class Endpoint implements AutoCloseable {
        private final int port;
        private final Stopper owner;

        Endpoint(int port, Stopper owner) {
            this.port = port;
            this.owner = owner;
        }

        int port() {
            return port;
        }

        String url() {
            return "nats://127.0.0.1:" + port;
        }

        @Override
        public void close() throws java.io.IOException {
            owner.stop();
        }
    }
}
