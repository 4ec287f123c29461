package io.halyard.cli.bench;

/**
 * One scenario at one message size with a given number of clients on the "many" side (subscribers for
 * fanout, members for queue, requesters for reqrep, the window for jspub, pulling clients for jspull,
 * clients for kv; 1 otherwise).
 */
record ScenarioRun(Scenario scenario, int clients, int sizeBytes) {

    /** A short stable name: {@code pub}, {@code pubsub}, {@code fanout-4}, {@code queue-4}, {@code reqrep-8}, {@code kv-16}. */
    String label() {
        return switch (scenario) {
            case PUB, PUBSUB -> scenario.cliName();
            default -> scenario.cliName() + "-" + clients;
        };
    }
}
