package dev.sluice.bench.redis;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Commands and round trips per check from two {@code INFO commandstats} readings: the commands clients sent, that
 * is all commands less the admin's own ({@code info}) and less the commands scripts ran inside Redis, divided by
 * the checks. For Bucket4j, whose commands per check run one after the other, that is also its round trips per
 * check. Sluice's concurrent checks share script calls, so its commands per check fall below one while each check
 * still waits for the one call that carries it: its round trips per check are the checks its calls carried
 * (the backend's {@code script_call_checks}) divided by its checks. Immutable.
 *
 * @param checks checks the benchmark made between the readings
 * @param clientCommands commands clients sent, by name
 * @param scriptCommands commands scripts ran inside Redis, by name
 * @param carriedPerCheck Sluice: script calls that carried a check, per check; NaN for Bucket4j
 */
record RoundTrips(long checks, Map<String, Long> clientCommands, Map<String, Long> scriptCommands,
        double carriedPerCheck) {

    static RoundTrips of(String impl, Map<String, Long> before, Map<String, Long> after, long checks,
            double carriedPerCheck) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((name, calls) -> {
            long d = calls - before.getOrDefault(name, 0L);
            if (d > 0 && !name.equals("info")) {
                delta.put(name, d);
            }
        });
        Map<String, Long> client = new TreeMap<>();
        Map<String, Long> script = new TreeMap<>();
        if (impl.equals("bucket4j")) {
            // Each EVAL runs one of two scripts: SET NX PX (a new key) or GET then, when the state is unchanged,
            // PSETEX. So the scripts ran as many SETs as there were new-key EVALs, one GET per other EVAL, and
            // every PSETEX; the remaining GETs are the client's reads.
            long evals = delta.getOrDefault("eval", 0L);
            long sets = delta.getOrDefault("set", 0L);
            long scriptGets = evals - sets;
            delta.forEach((name, calls) -> {
                switch (name) {
                    case "set", "psetex" -> script.put(name, calls);
                    case "get" -> {
                        script.put("get", scriptGets);
                        client.put("get", calls - scriptGets);
                    }
                    default -> client.put(name, calls);
                }
            });
        } else {
            delta.forEach((name, calls) -> (RedisCheckBenchmark.SLUICE_SCRIPT_CALLS.contains(name) ? script : client)
                    .put(name, calls));
        }
        return new RoundTrips(checks, client, script, carriedPerCheck);
    }

    /** @return round trips per check: Sluice's carried checks per check, else the commands sent per check */
    double perCheck() {
        return Double.isNaN(carriedPerCheck) ? commandsSentPerCheck() : carriedPerCheck;
    }

    double commandsSentPerCheck() {
        return checks == 0 ? Double.NaN : clientCommands.values().stream().mapToLong(Long::longValue).sum() / (double) checks;
    }

    /** @return e.g. {@code get=1.0000 eval=1.0000} */
    String commandsPerCheck() {
        return perCheck(clientCommands);
    }

    String describe() {
        return String.format(Locale.ROOT, "%,d checks, %.4f round trips per check, %.4f commands sent per check, "
                + "%.1f checks per command (sent: %s; run inside scripts: %s)", checks, perCheck(), commandsSentPerCheck(),
                1 / commandsSentPerCheck(), perCheck(clientCommands), perCheck(scriptCommands));
    }

    private String perCheck(Map<String, Long> commands) {
        StringJoiner j = new StringJoiner(" ");
        commands.forEach((name, calls) -> j.add(String.format(Locale.ROOT, "%s=%.4f", name, calls / (double) checks)));
        return j.length() == 0 ? "none" : j.toString();
    }
}
