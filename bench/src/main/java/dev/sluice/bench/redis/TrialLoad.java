package dev.sluice.bench.redis;

import dev.sluice.redis.testing.LocalRedis;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Where one trial's CPU went, from two readings of {@code INFO cpu}, {@code INFO commandstats} and the benchmark
 * JVM's CPU time, and the wall time between them: redis-server's CPU time per check (its event loop, parsing,
 * scripts and replies included) and the share of the trial it was busy (near 1: Redis' single thread is the
 * limit); the client JVM's CPU time per check (the library under test, Lettuce, JMH's threads); and the
 * microseconds Redis spent per call of each command clients sent. Immutable.
 *
 * @param checks checks the benchmark made between the readings
 * @param cpuMicros redis-server's CPU time between the readings (user + system)
 * @param clientCpuMicros the benchmark JVM's CPU time between the readings
 * @param wallMicros wall time between the readings
 * @param microsPerCall command name → microseconds per call inside Redis, for the commands clients sent
 */
record TrialLoad(long checks, long cpuMicros, long clientCpuMicros, long wallMicros, Map<String, Double> microsPerCall) {

    /** A reading: CPU times, per-command calls and microseconds, and when it was taken. */
    record Reading(long cpuMicros, long clientCpuMicros, Map<String, Long> calls, Map<String, Long> micros,
            long nanoTime) {
        static Reading of(LocalRedis server) {
            long client = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1000;
            return new Reading(server.cpuMicros(), client, server.commandCalls(), server.commandMicros(),
                    System.nanoTime());
        }
    }

    static TrialLoad of(Reading before, Reading after, RoundTrips trips) {
        Map<String, Double> perCall = new TreeMap<>();
        for (String name : trips.clientCommands().keySet()) {
            long calls = after.calls().getOrDefault(name, 0L) - before.calls().getOrDefault(name, 0L);
            long micros = after.micros().getOrDefault(name, 0L) - before.micros().getOrDefault(name, 0L);
            if (calls > 0) {
                perCall.put(name, micros / (double) calls);
            }
        }
        return new TrialLoad(trips.checks(), after.cpuMicros() - before.cpuMicros(),
                after.clientCpuMicros() - before.clientCpuMicros(),
                (after.nanoTime() - before.nanoTime()) / 1000, perCall);
    }

    /** @return redis-server's CPU microseconds per check */
    double cpuMicrosPerCheck() {
        return checks == 0 ? Double.NaN : cpuMicros / (double) checks;
    }

    /** @return the client JVM's CPU microseconds per check */
    double clientCpuMicrosPerCheck() {
        return checks == 0 ? Double.NaN : clientCpuMicros / (double) checks;
    }

    /** @return the share of the trial's wall time redis-server spent on a CPU, 0 to 1 */
    double busy() {
        return wallMicros == 0 ? Double.NaN : cpuMicros / (double) wallMicros;
    }

    /** @return e.g. {@code evalsha=5.21} */
    String microsPerCallText() {
        StringJoiner j = new StringJoiner(" ");
        microsPerCall.forEach((name, us) -> j.add(String.format(Locale.ROOT, "%s=%.2f", name, us)));
        return j.length() == 0 ? "none" : j.toString();
    }

    String describe() {
        return String.format(Locale.ROOT, "redis-server %.2f CPU µs per check, busy %.0f%% of the trial; client JVM "
                + "%.2f CPU µs per check; µs per call inside Redis: %s", cpuMicrosPerCheck(), 100 * busy(),
                clientCpuMicrosPerCheck(), microsPerCallText());
    }
}
