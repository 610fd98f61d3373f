package dev.sluice;

import dev.sluice.internal.MemoryBackend;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers "may user U of tenant T call tool X now?" across up to three dimensions (per user, per tenant, per
 * tool), with the configured algorithm, on the embedded off-heap backend (the default), on Redis, or on any other
 * backend whose provider is on the class path or module path.
 *
 * <pre>{@code
 * try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder()
 *         .byUser("60/m").byTenant("600/m").byTool("search", "10/s").build())) {
 *     Decision d = limiter.check("alice", "acme", "search");
 *     if (!d.allowed()) { respond(d.httpStatus(), d.headers()); }
 * }
 * }</pre>
 *
 * <p>Identities are normalised before they become keys: the user is trimmed, blank becomes
 * {@code anonymous} and every {@code ':'} becomes {@code '_'}; the tenant is trimmed and a blank tenant skips
 * the tenant dimension; the tool is trimmed and lower-cased and counts only when it is configured.
 *
 * <p>Thread-safe. On the embedded backend, {@link #check(String, String, String, Decision)} never blocks and
 * allocates nothing when the identities are already normalised; the forms that return a new {@link Decision}
 * allocate only that decision.
 */
public final class RateLimiter implements AutoCloseable {
    private static final String ANONYMOUS = "anonymous";

    private final LimiterConfig config;
    private final Clock clock;
    /** The clock's wall-clock offset, read once: epoch = monotonic + this, for the clock's and explicit times alike. */
    private final long epochOffsetNanos;
    private final Backend backend;
    private final Map<String, Rate> toolRates;
    private final boolean enforce;
    private final boolean disabled;
    /** True when a failure of the backend is decided on {@link #fallback} ({@code fail_mode: local}, remote backend). */
    private final boolean localFallback;
    /** What a request gets when no store can decide it: the fail mode, except that {@code local} has only open left. */
    private final FailMode lastResort;
    private final LongAdder failedOpen = new LongAdder();
    private final LongAdder failedClosed = new LongAdder();
    private final LongAdder decidedLocally = new LongAdder();
    private final FailureLog failureLog = new FailureLog(RateLimiter.class.getName());
    /** Guards the creation and closing of {@link #fallback}; taken only on the failure path. */
    private final Object fallbackLock = new Object();
    /** The embedded store of {@code fail_mode: local}, made at the backend's first failure; null until then. */
    private volatile Backend fallback;
    private volatile boolean closed;

    private RateLimiter(LimiterConfig config, Clock clock, Backend backend) {
        this.config = config;
        this.clock = clock;
        this.epochOffsetNanos = clock.epochOffsetNanos();
        this.backend = backend;
        this.toolRates = Map.copyOf(config.byTool());
        this.enforce = config.mode() == Mode.ENFORCE;
        this.disabled = config.mode() == Mode.DISABLED;
        this.localFallback = config.failMode() == FailMode.LOCAL && !(backend instanceof MemoryBackend);
        this.lastResort = config.failMode() == FailMode.LOCAL ? FailMode.OPEN : config.failMode();
    }

    /**
     * Creates a limiter on the configured backend with the system clock. The backend is made by the provider
     * that read the configuration's settings when it was built.
     *
     * @param config the configuration
     * @return the limiter; close it to release its memory or connections
     */
    public static RateLimiter create(LimiterConfig config) {
        return create(config, Clock.system());
    }

    /**
     * Creates a limiter on the configured backend.
     *
     * @param config the configuration
     * @param clock where time comes from
     * @return the limiter
     */
    public static RateLimiter create(LimiterConfig config, Clock clock) {
        requireNonNull(config, "config");
        requireNonNull(clock, "clock");
        return new RateLimiter(config, clock, config.createBackend());
    }

    /**
     * Creates a limiter on a backend of the caller's (a test model, a custom store). The limiter owns the
     * backend and closes it.
     *
     * @param config the configuration; its {@code backend} setting is ignored
     * @param clock where time comes from
     * @param backend the backend
     * @return the limiter
     */
    public static RateLimiter create(LimiterConfig config, Clock clock, Backend backend) {
        requireNonNull(config, "config");
        requireNonNull(clock, "clock");
        requireNonNull(backend, "backend");
        return new RateLimiter(config, clock, backend);
    }

    /**
     * Checks and charges one request at the clock's time.
     *
     * @param user the user; {@code null} or blank means {@code anonymous}
     * @param tenant the tenant; {@code null} or blank skips the tenant dimension
     * @param tool the tool or prompt name; {@code null}, or a name without a configured limit, skips the tool dimension
     * @return a new decision
     * @throws IllegalStateException when the limiter is closed
     */
    public Decision check(String user, String tenant, String tool) {
        Decision d = new Decision();
        check(user, tenant, tool, d);
        return d;
    }

    /**
     * Checks and charges one request at an explicit time, for tests and replays. The time is the request's
     * wall-clock time; the arithmetic runs on the clock's monotonic timeline, to which the time is converted
     * with the clock's {@link Clock#epochOffsetNanos() offset} as read when this limiter was created, so explicit
     * times and the clock's own may be mixed. On a {@link ManualClock} the offset is 0 and the time is used as
     * it is.
     *
     * @param user the user; {@code null} or blank means {@code anonymous}
     * @param tenant the tenant; {@code null} or blank skips the tenant dimension
     * @param tool the tool or prompt name; {@code null}, or a name without a configured limit, skips the tool dimension
     * @param epochNanos the request's time, nanoseconds since the Unix epoch
     * @return a new decision
     * @throws IllegalStateException when the limiter is closed
     */
    public Decision check(String user, String tenant, String tool, long epochNanos) {
        Decision d = new Decision();
        check(user, tenant, tool, epochNanos, d);
        return d;
    }

    /**
     * Checks and charges one request at the clock's time, writing the answer into a decision the caller reuses.
     *
     * @param user the user; {@code null} or blank means {@code anonymous}
     * @param tenant the tenant; {@code null} or blank skips the tenant dimension
     * @param tool the tool or prompt name; {@code null}, or a name without a configured limit, skips the tool dimension
     * @param into the decision to overwrite
     * @return {@code into.allowed()}
     * @throws IllegalStateException when the limiter is closed
     */
    public boolean check(String user, String tenant, String tool, Decision into) {
        long nowNanos = clock.monotonicNanos();
        return evaluate(user, tenant, tool, nowNanos, nowNanos + epochOffsetNanos, into);
    }

    /**
     * Checks and charges one request at an explicit time, writing the answer into a decision the caller reuses.
     *
     * @param user the user; {@code null} or blank means {@code anonymous}
     * @param tenant the tenant; {@code null} or blank skips the tenant dimension
     * @param tool the tool or prompt name; {@code null}, or a name without a configured limit, skips the tool dimension
     * @param epochNanos the request's time, nanoseconds since the Unix epoch
     * @param into the decision to overwrite
     * @return {@code into.allowed()}
     * @throws IllegalStateException when the limiter is closed
     */
    public boolean check(String user, String tenant, String tool, long epochNanos, Decision into) {
        return evaluate(user, tenant, tool, epochNanos - epochOffsetNanos, epochNanos, into);
    }

    /**
     * Checks and charges one request without blocking the calling thread on a remote backend; the embedded
     * backend answers before this method returns. It ends as {@link #check(String, String, String)} does: with
     * a decision, or, when the limiter is closed, with {@code IllegalStateException("limiter is closed")},
     * thrown here when it was closed before the call, and completing the stage when a close overtook the check
     * (a failure the close caused never becomes a decision).
     *
     * @param user the user; {@code null} or blank means {@code anonymous}
     * @param tenant the tenant; {@code null} or blank skips the tenant dimension
     * @param tool the tool or prompt name; {@code null}, or a name without a configured limit, skips the tool dimension
     * @return a stage completed with the decision; it never completes exceptionally for backend failures,
     *     which the fail mode turns into decisions
     * @throws IllegalStateException when the limiter is closed
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback completes 'decided', with its own failure too
    public CompletionStage<Decision> checkAsync(String user, String tenant, String tool) {
        Decision d = new Decision();
        long nowNanos = clock.monotonicNanos();
        if (!prepare(user, tenant, tool, nowNanos, nowNanos + epochOffsetNanos, d)) {
            return CompletableFuture.completedFuture(d);
        }
        CompletableFuture<Batch> pending;
        try {
            pending = backend.evaluateAsync(d.batch);
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Decision> decided = new CompletableFuture<>();
        pending.whenComplete((batch, failure) -> {
            try {
                if (failure != null) {
                    recover(d, failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                } else {
                    complete(d);
                }
                decided.complete(d);
            } catch (RuntimeException e) {
                decided.completeExceptionally(e);
            }
        });
        return decided;
    }

    /** {@return the configuration this limiter runs} */
    public LimiterConfig config() {
        return config;
    }

    /** {@return a snapshot of failure counters and the backend's counters} */
    public LimiterStats stats() {
        long open = failedOpen.sum();
        long shut = failedClosed.sum();
        long local = decidedLocally.sum();
        return new LimiterStats(open + shut + local, open, shut, local, backend.stats());
    }

    /**
     * Releases the backend, and the embedded store of {@code fail_mode: local} if one was made; later checks
     * throw {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        try {
            backend.close();
        } finally {
            synchronized (fallbackLock) {
                if (fallback != null) {
                    fallback.close();
                }
            }
        }
    }

    private boolean evaluate(String user, String tenant, String tool, long monotonicNanos, long epochNanos,
            Decision d) {
        if (!prepare(user, tenant, tool, monotonicNanos, epochNanos, d)) {
            return d.allowed();
        }
        try {
            backend.evaluate(d.batch);
        } catch (RuntimeException e) {
            recover(d, e);
            return d.allowed();
        }
        complete(d);
        return d.allowed();
    }

    /** Normalises the identities and fills the batch; returns false when nothing needs evaluating. */
    private boolean prepare(String user, String tenant, String tool, long monotonicNanos, long epochNanos,
            Decision d) {
        if (closed) {
            throw new IllegalStateException("limiter is closed");
        }
        String t = normaliseTenant(tenant);
        Batch batch = d.batch.reset(t, monotonicNanos, epochNanos);
        if (disabled) {
            d.setUnlimited();
            return false;
        }
        if (config.byUser() != null) {
            batch.add(Dimension.USER, normaliseUser(user), config.byUser());
        }
        if (t != null && config.byTenant() != null) {
            batch.add(Dimension.TENANT, t, config.byTenant());
        }
        if (tool != null && !toolRates.isEmpty()) {
            String name = tool;
            Rate rate = toolRates.get(name);
            if (rate == null) {
                name = Whitespace.strip(tool).toLowerCase(Locale.ROOT);
                rate = name.equals(tool) ? null : toolRates.get(name);
            }
            if (rate != null) {
                batch.add(Dimension.TOOL, name, rate);
            }
        }
        if (batch.size() == 0) {
            d.setUnlimited();
            return false;
        }
        return true;
    }

    private void complete(Decision d) {
        if (!d.aggregate(enforce)) {
            recover(d, null);
        }
    }

    /**
     * The backend failed ({@code cause}), or could not evaluate a dimension ({@code cause} null). A failure seen
     * after {@link #close()} began may be the close's doing (connections dropped, memory freed), so it ends the
     * check as a closed limiter does instead of becoming a decision: {@code closed} is set before the backend is
     * closed, so this volatile read sees it whenever the close caused the failure.
     */
    private void recover(Decision d, Throwable cause) {
        if (closed) {
            throw new IllegalStateException("limiter is closed", cause);
        }
        if (localFallback) {
            decideLocally(d, cause);
        } else {
            fail(d, cause, lastResort);
        }
    }

    /**
     * {@code fail_mode: local}: evaluates every dimension of the request again on this limiter's embedded store,
     * whose counters are its own, and aggregates that answer. The remote backend has settled the batch before
     * it reported the failure (it writes no outcome after), and the store overwrites every dimension's outcome.
     * The next request asks the remote backend first again, so decisions come from it as soon as it answers.
     */
    private void decideLocally(Decision d, Throwable cause) {
        try {
            fallback().evaluate(d.batch);
        } catch (RuntimeException e) {
            if (closed) {
                throw new IllegalStateException("limiter is closed", e);
            }
            fail(d, e, FailMode.OPEN);
            return;
        }
        if (!d.aggregate(enforce)) {
            fail(d, cause, FailMode.OPEN);
            return;
        }
        decidedLocally.increment();
        failureLog.failed(cause, FailMode.LOCAL);
    }

    /** {@return the embedded store of {@code fail_mode: local}, made now if this is the first failure} */
    private Backend fallback() {
        Backend store = fallback;
        if (store != null) {
            return store;
        }
        synchronized (fallbackLock) {
            // Checked under the lock that close() takes, so a store made here is always closed by it.
            if (closed) {
                throw new IllegalStateException("limiter is closed");
            }
            if (fallback == null) {
                fallback = config.createLocalFallback();
            }
            return fallback;
        }
    }

    private void fail(Decision d, Throwable cause, FailMode failMode) {
        if (failMode == FailMode.CLOSED) {
            failedClosed.increment();
        } else {
            failedOpen.increment();
        }
        failureLog.failed(cause, failMode);
        d.setFailed(failMode);
    }

    static String normaliseUser(String user) {
        if (user == null) {
            return ANONYMOUS;
        }
        // Almost every identity needs nothing done: test that first, with the JDK's vectorised indexOf, and
        // leave strip and replace(), which scan the string a character at a time, to the rare rest.
        if (Whitespace.unpadded(user) && user.indexOf(':') < 0) {
            return user;
        }
        String u = Whitespace.strip(user);
        return u.isEmpty() ? ANONYMOUS : u.replace(':', '_');
    }

    static String normaliseTenant(String tenant) {
        if (tenant == null) {
            return null;
        }
        if (Whitespace.unpadded(tenant)) {
            return tenant;
        }
        String t = Whitespace.strip(tenant);
        return t.isEmpty() ? null : t;
    }

    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + "=null: required");
        }
    }
}
