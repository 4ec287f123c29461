package io.halyard.cli.bench;

import java.time.Duration;

/**
 * CPU used during a scenario, in percent of one core (so 200 means two cores busy): by this benchmark
 * process (the load generator) and, when its process id is known, by the server. A server near 100 %
 * (a single-connection path is mostly one thread) while the driver has room to spare is the sign that
 * the server, not the driver, sets the figure.
 *
 * @param driverPercent CPU of this process
 * @param serverPercent CPU of the server process, or NaN if unknown
 */
record CpuUsage(double driverPercent, double serverPercent) {

    /** A reading taken before a scenario; {@link #finish()} turns it into a {@link CpuUsage}. */
    static final class Meter {
        private final long serverPid;
        private final long wallStart = System.nanoTime();
        private final long driverStart = cpuNanos(ProcessHandle.current().pid());
        private final long serverStart;

        /** @param serverPid the server's process id, or 0 if unknown */
        Meter(long serverPid) {
            this.serverPid = serverPid;
            this.serverStart = serverPid > 0 ? cpuNanos(serverPid) : -1;
        }

        CpuUsage finish() {
            double wall = System.nanoTime() - wallStart;
            long driverEnd = cpuNanos(ProcessHandle.current().pid());
            long serverEnd = serverPid > 0 ? cpuNanos(serverPid) : -1;
            return new CpuUsage(percent(driverStart, driverEnd, wall), percent(serverStart, serverEnd, wall));
        }

        private static double percent(long start, long end, double wallNanos) {
            return start < 0 || end < 0 || wallNanos <= 0 ? Double.NaN : 100.0 * (end - start) / wallNanos;
        }
    }

    /** Total CPU time of a process (user + system), or -1 if the platform does not tell. */
    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }
}
