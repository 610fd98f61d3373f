package dev.sluice;

import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to one {@code check} (or {@code peek}): whether the request may proceed, the dimension reported to
 * the client, its numbers, and every evaluated dimension's own result. Headers and metadata are built only when
 * asked for; the verdict and the numbers are plain fields, so a caller that reuses one {@code Decision} with
 * {@link RateLimiter#check(String, String, String, Decision)} or {@link RateLimiter#check(Request, Decision)}
 * allocates nothing.
 *
 * <p>A <em>dimension</em> here is one limit at one of its rates: the presets {@code user}, {@code tenant} and
 * {@code tool} have one rate each, and a custom limit with two rates is two dimensions that carry its name
 * ({@link #limitName(int)}), in the order of its rates. Dimensions are listed in evaluation order: user, tenant,
 * tool, then the custom limits in configuration order.
 *
 * <p>Times: {@link #resetEpochSeconds()} is absolute Unix time in whole seconds, rounded up;
 * {@link #retryAfterSeconds()} is a delta in whole seconds, rounded up and at least 1 when blocked, so a
 * client that waits that long is not refused again by the same dimension.
 *
 * <p>Every method that takes a dimension index {@code i} throws {@link IndexOutOfBoundsException} unless
 * {@code 0 <= i < dimensionCount()}.
 *
 * <p>Not thread-safe: a decision belongs to one caller at a time.
 */
public final class Decision {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    final Batch batch = new Batch();
    /** The rate {@link #dimensionRate(int)} last gave for each entry, kept: a reused decision allocates none. */
    private Rate[] rates = new Rate[0];
    /** Where the engine gathers a key's parts before it knows that the request has them all. */
    private String[] keyScratch = new String[1];
    private Outcome status = Outcome.UNLIMITED;
    private boolean enforced = true;
    private int reported = -1;
    /** The stats tally this decision counts its checks in, once it has made {@link LimitCounters#TALLY_AFTER}. */
    LimitCounters.Tally tally;
    /** Checks counted before the tally: a decision used once or twice never gets one. */
    int untallied;
    /**
     * The limits the last check had entries for, as bits in the order of the configuration's limits (bit k for the
     * k-th, the first 64 only); set by {@link LimitPlan#fill}.
     */
    long limitsPresent;

    /** Creates an empty decision, to be filled by {@link RateLimiter#check(String, String, String, Decision)}. */
    public Decision() {
    }

    /**
     * {@return what kind of answer this is: {@link Outcome#ALLOWED}, {@link Outcome#BLOCKED},
     *     {@link Outcome#UNLIMITED}, {@link Outcome#FAILED_OPEN} or {@link Outcome#FAILED_CLOSED}}
     */
    public Outcome status() {
        return status;
    }

    /** {@return true when the request may proceed (always true in permissive mode)} */
    public boolean allowed() {
        // Comparisons, not a switch: an enum switch reads a lookup table first, and this is on every check's path.
        Outcome s = status;
        return s == Outcome.ALLOWED
                || (s == Outcome.BLOCKED ? !enforced : s == Outcome.UNLIMITED || s == Outcome.FAILED_OPEN);
    }

    /** {@return true when a dimension was over its limit, whether or not the request was blocked} */
    public boolean exceeded() {
        return status == Outcome.BLOCKED;
    }

    /** {@return true when limits were evaluated (at least one dimension answered)} */
    public boolean limited() {
        return status == Outcome.ALLOWED || status == Outcome.BLOCKED;
    }

    /**
     * {@return the preset dimension reported to the client; {@code null} when none was evaluated or the reported one is
     *     a custom limit (see {@link #reportedLimit()})}
     */
    public Dimension reportedDimension() {
        return reported < 0 ? null : Dimension.of(batch.keySpace(reported));
    }

    /**
     * {@return the name of the limit reported to the client: {@code user}, {@code tenant}, {@code tool} or a custom
     *     limit's name; {@code null} when none was evaluated}
     */
    public String reportedLimit() {
        return reported < 0 ? null : batch.keySpace(reported);
    }

    /** {@return the reported dimension's count per window, or 0 when none was evaluated} */
    public long limit() {
        return reported < 0 ? 0 : batch.count(reported);
    }

    /** {@return the units the request cost (or would have cost) on every dimension: its permits, 1 by default} */
    public long permits() {
        return batch.permits();
    }

    /** {@return the reported dimension's remaining requests; 0 when blocked} */
    public long remaining() {
        return reported < 0 || status == Outcome.BLOCKED ? 0 : batch.remaining(reported);
    }

    /** {@return when the reported dimension resets, as Unix seconds rounded up; 0 when none was evaluated} */
    public long resetEpochSeconds() {
        return reported < 0 ? 0 : dimensionResetEpochSeconds(reported);
    }

    /**
     * {@return whole seconds (rounded up, at least 1) until the reported dimension admits again when blocked, 1 when
     *     failed closed, otherwise 0}
     */
    public long retryAfterSeconds() {
        if (status == Outcome.FAILED_CLOSED) {
            return 1;
        }
        return status == Outcome.BLOCKED ? dimensionRetryAfterSeconds(reported) : 0;
    }

    /** {@return seconds until the reported dimension resets (its retry-after when blocked); 0 when none} */
    public long resetInSeconds() {
        return reported < 0 ? 0 : dimensionResetInSeconds(reported);
    }

    /** {@return the number of evaluated dimensions} */
    public int dimensionCount() {
        return limited() ? batch.size() : 0;
    }

    /**
     * {@return the preset dimension, or {@code null} for a custom limit}
     *
     * @param i index below {@link #dimensionCount()}
     */
    public Dimension dimension(int i) {
        return Dimension.of(batch.keySpace(checked(i)));
    }

    /**
     * {@return the name of that dimension's limit: {@code user}, {@code tenant}, {@code tool} or a custom limit's name}
     *
     * @param i index below {@link #dimensionCount()}
     */
    public String limitName(int i) {
        return batch.keySpace(checked(i));
    }

    /**
     * {@return true when that dimension admitted the request}
     *
     * @param i index below {@link #dimensionCount()}
     */
    public boolean dimensionAllowed(int i) {
        return batch.outcome(checked(i)) == Outcome.ALLOWED;
    }

    /**
     * {@return that dimension's rate, after its limit's overrides}
     *
     * <p>The rate is made from the dimension's count and window when first asked for and kept with the decision,
     * so a reused decision allocates one only when a dimension shows a rate it has not shown before.
     *
     * @param i index below {@link #dimensionCount()}
     */
    public Rate dimensionRate(int i) {
        long count = batch.count(checked(i));
        long windowSeconds = batch.windowSeconds(i);
        if (i >= rates.length) {
            rates = Arrays.copyOf(rates, Math.max(i + 1, 2 * rates.length));
        }
        Rate rate = rates[i];
        if (rate == null || rate.count() != count || rate.windowSeconds() != windowSeconds) {
            rate = Rate.of(count, windowSeconds);
            rates[i] = rate;
        }
        return rate;
    }

    /**
     * {@return that dimension's remaining requests}
     *
     * @param i index below {@link #dimensionCount()}
     */
    public long dimensionRemaining(int i) {
        return batch.remaining(checked(i));
    }

    /**
     * {@return when that dimension resets, Unix seconds rounded up}
     *
     * @param i index below {@link #dimensionCount()}
     */
    public long dimensionResetEpochSeconds(int i) {
        return ceilDiv(batch.epochNanos() + batch.resetAfterNanos(checked(i)), NANOS_PER_SECOND);
    }

    /**
     * {@return seconds until that dimension admits again, 0 if it allowed}
     *
     * @param i index below {@link #dimensionCount()}
     */
    public long dimensionRetryAfterSeconds(int i) {
        if (batch.outcome(checked(i)) != Outcome.BLOCKED) {
            return 0;
        }
        return shownRetryAfterSeconds(i);
    }

    /** Retry-after of a blocked batch entry as the client sees it; unchecked, so usable while aggregating. */
    private long shownRetryAfterSeconds(int i) {
        return Math.max(1, ceilDiv(batch.retryAfterNanos(i), NANOS_PER_SECOND));
    }

    /**
     * {@return seconds until that dimension resets, its retry-after if blocked}
     *
     * @param i index below {@link #dimensionCount()}
     */
    public long dimensionResetInSeconds(int i) {
        if (batch.outcome(checked(i)) == Outcome.BLOCKED) {
            return dimensionRetryAfterSeconds(i);
        }
        return ceilDiv(batch.resetAfterNanos(i), NANOS_PER_SECOND);
    }

    /** {@return every evaluated dimension's result, in evaluation order (allocates)} */
    public List<DimensionResult> dimensions() {
        List<DimensionResult> out = new ArrayList<>(dimensionCount());
        for (int i = 0; i < dimensionCount(); i++) {
            out.add(new DimensionResult(limitName(i), dimension(i), dimensionAllowed(i), dimensionRate(i),
                    dimensionRemaining(i), dimensionResetEpochSeconds(i), dimensionResetInSeconds(i),
                    dimensionRetryAfterSeconds(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@return 200 when allowed, 429 when blocked, 503 when failed closed} */
    public int httpStatus() {
        if (status == Outcome.FAILED_CLOSED) {
            return 503;
        }
        return allowed() ? 200 : 429;
    }

    /** {@return {@code RATE_LIMIT} when blocked, {@code BACKEND_UNAVAILABLE} when failed closed, else {@code null}} */
    public String errorCode() {
        return switch (httpStatus()) {
            case 429 -> "RATE_LIMIT";
            case 503 -> "BACKEND_UNAVAILABLE";
            default -> null;
        };
    }

    /**
     * {@return {@code Rate limit exceeded} when blocked, {@code Rate limit backend unavailable} when failed closed}
     */
    public String reason() {
        return switch (httpStatus()) {
            case 429 -> "Rate limit exceeded";
            case 503 -> "Rate limit backend unavailable";
            default -> null;
        };
    }

    /**
     * {@return a sentence for logs and error bodies that names the violated limit and its rate but never the user, the
     *     tenant or any other part of a key except a tool's name; {@code null} unless a limit was exceeded}
     */
    public String description() {
        if (status != Outcome.BLOCKED) {
            return null;
        }
        String which = Dimension.of(batch.keySpace(reported)) == Dimension.TOOL
                ? "tool \"" + batch.part(reported, 0) + "\"" : batch.keySpace(reported);
        String rate = batch.count(reported) + " per " + batch.windowSeconds(reported) + " s";
        if (batch.permits() > batch.count(reported)) {
            return "Rate limit exceeded for " + which + ": " + rate + "; the request costs " + batch.permits()
                    + ", more than the limit ever admits";
        }
        return "Rate limit exceeded for " + which + ": " + rate + "; retry after " + retryAfterSeconds() + " s";
    }

    /**
     * The {@code X-RateLimit-*} headers, in order: {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining},
     * {@code X-RateLimit-Reset} (absolute Unix seconds), and {@code Retry-After} (delta seconds) when the
     * request is refused. Empty when no limit was evaluated or the backend failed open; only
     * {@code Retry-After: 1} when it failed closed.
     *
     * @return a new ordered map
     */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        if (!limited()) {
            return unlimitedHeaders(h);
        }
        h.put("X-RateLimit-Limit", Long.toString(limit()));
        h.put("X-RateLimit-Remaining", Long.toString(remaining()));
        h.put("X-RateLimit-Reset", Long.toString(resetEpochSeconds()));
        if (!allowed()) {
            h.put("Retry-After", Long.toString(retryAfterSeconds()));
        }
        return h;
    }

    /**
     * The IETF fields of draft-ietf-httpapi-ratelimit-headers (revision 09 and later): {@code RateLimit-Policy}
     * lists every evaluated dimension's quota ({@code q}) and window ({@code w}); {@code RateLimit} gives the
     * reported dimension's remaining ({@code r}) and seconds until reset ({@code t}). Policy names are the
     * dimension names. {@code Retry-After} is added when the request is refused.
     *
     * @return a new ordered map; empty when no limit was evaluated
     */
    public Map<String, String> ietfHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        if (!limited()) {
            return unlimitedHeaders(h);
        }
        StringBuilder policy = new StringBuilder();
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                policy.append(", ");
            }
            policy.append('"').append(batch.keySpace(i)).append("\";q=").append(batch.count(i))
                    .append(";w=").append(batch.windowSeconds(i));
        }
        h.put("RateLimit-Policy", policy.toString());
        h.put("RateLimit", "\"" + batch.keySpace(reported) + "\";r=" + remaining() + ";t=" + resetInSeconds());
        if (!allowed()) {
            h.put("Retry-After", Long.toString(retryAfterSeconds()));
        }
        return h;
    }

    /** Headers when no limit was evaluated: none, or only {@code Retry-After: 1} after a fail-closed failure. */
    private Map<String, String> unlimitedHeaders(Map<String, String> h) {
        if (status == Outcome.FAILED_CLOSED) {
            h.put("Retry-After", "1");
        }
        return h;
    }

    /**
     * Metadata for logs and gateways:
     * <ul>
     *   <li>nothing evaluated: {@code {"limited": false}} (plus {@code "backend_error": true} after a failure)</li>
     *   <li>allowed: {@code {"limited": true, "remaining": R, "reset_in": S, "dimensions": {"allowed": [d...]}}}</li>
     *   <li>blocked: {@code {"limited": true, "remaining": 0, "reset_in": RetryAfter, "dimensions":
     *       {"violated": [d...], "allowed": [d...]}}}</li>
     * </ul>
     * where each {@code d} is {@code {"dimension": "user", "limited": true, "remaining": r, "reset_in": s}} and
     * empty lists are left out. A custom limit's dimensions carry its name ({@code "dimension": "api"}), one per
     * rate in the order of its rates.
     *
     * @return a new ordered map
     */
    public Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!limited()) {
            m.put("limited", false);
            if (status == Outcome.FAILED_OPEN || status == Outcome.FAILED_CLOSED) {
                m.put("backend_error", true);
            }
            return m;
        }
        m.put("limited", true);
        m.put("remaining", remaining());
        m.put("reset_in", status == Outcome.BLOCKED ? retryAfterSeconds() : resetInSeconds());
        List<Map<String, Object>> violated = new ArrayList<>();
        List<Map<String, Object>> admitted = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dimension", batch.keySpace(i));
            d.put("limited", true);
            d.put("remaining", batch.remaining(i));
            d.put("reset_in", dimensionResetInSeconds(i));
            (batch.outcome(i) == Outcome.BLOCKED ? violated : admitted).add(d);
        }
        Map<String, Object> dims = new LinkedHashMap<>();
        if (!violated.isEmpty()) {
            dims.put("violated", violated);
        }
        if (!admitted.isEmpty()) {
            dims.put("allowed", admitted);
        }
        m.put("dimensions", dims);
        return m;
    }

    @Override
    public String toString() {
        if (!limited()) {
            return "Decision{" + status + "}";
        }
        return "Decision{" + status + (allowed() ? ", allowed" : ", refused") + ", dimension="
                + reportedLimit() + ", limit=" + limit() + ", remaining=" + remaining() + ", reset="
                + resetEpochSeconds() + (status == Outcome.BLOCKED ? ", retryAfter=" + retryAfterSeconds() : "") + "}";
    }

    // ---- filled in by RateLimiter -------------------------------------------------------------------------

    String[] keyScratch(int parts) {
        if (keyScratch.length < parts) {
            keyScratch = new String[parts];
        }
        return keyScratch;
    }

    void setUnlimited() {
        status = Outcome.UNLIMITED;
        reported = -1;
    }

    void setFailed(FailMode failMode) {
        status = failMode == FailMode.CLOSED ? Outcome.FAILED_CLOSED : Outcome.FAILED_OPEN;
        reported = -1;
    }

    /**
     * Aggregates the batch's outcomes: any blocked dimension blocks, and the one reported is the blocked
     * dimension that frees up soonest (ties to the earlier dimension); otherwise the dimension with the fewest
     * remaining (ties to the earlier). Comparisons use the whole seconds the client is shown.
     *
     * @return false when some dimension was unavailable and the caller must apply its fail mode
     */
    boolean aggregate(boolean enforce) {
        enforced = enforce;
        int blocked = -1;
        int fewest = -1;
        for (int i = 0; i < batch.size(); i++) {
            Outcome outcome = batch.outcome(i);
            if (outcome == Outcome.ALLOWED) {
                if (fewest < 0 || batch.remaining(i) < batch.remaining(fewest)) {
                    fewest = i;
                }
            } else if (outcome == Outcome.BLOCKED) {
                if (blocked < 0 || shownRetryAfterSeconds(i) < shownRetryAfterSeconds(blocked)) {
                    blocked = i;
                }
            } else {
                return false;
            }
        }
        status = blocked >= 0 ? Outcome.BLOCKED : Outcome.ALLOWED;
        reported = blocked >= 0 ? blocked : fewest;
        return true;
    }

    private int checked(int i) {
        if (i < 0 || i >= dimensionCount()) {
            throw new IndexOutOfBoundsException("dimension index " + i + " outside 0.." + (dimensionCount() - 1));
        }
        return i;
    }

    private static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }
}
