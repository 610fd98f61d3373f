package dev.sluice;

import dev.sluice.internal.Events;
import dev.sluice.internal.MemoryBackend;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Operation;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers "may user U of tenant T call tool X now?" across the configured limits: the presets (per user, per
 * tenant, per tool) and the custom limits of the {@code limits} section ({@link Limit}), with the configured
 * algorithm, on the embedded off-heap backend (the default), on Redis, or on any other backend whose provider is
 * on the class path or module path.
 *
 * <pre>{@code
 * try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder()
 *         .byUser("60/m").byTenant("600/m").byTool("search", "10/s").build())) {
 *     Decision d = limiter.check("alice", "acme", "search");
 *     if (!d.allowed()) { respond(d.httpStatus(), d.headers()); }
 * }
 * }</pre>
 *
 * <p>A {@link Request} carries what the three-string form cannot: attributes that custom limits are keyed by,
 * and a cost in permits; {@link #peek(Request, Decision)} answers without charging and {@link #reset(Request)}
 * forgets a request's keys.
 *
 * <p>Identities are normalised before they become keys: the user is trimmed, blank becomes
 * {@code anonymous} and every {@code ':'} becomes {@code '_'}; the tenant is trimmed and a blank tenant skips
 * the limits keyed by it; the tool is trimmed and lower-cased and counts for {@code by_tool} only when it is
 * configured; every other attribute is trimmed, and a blank one skips the limits keyed by it.
 *
 * <p>Thread-safe. On the embedded backend, {@link #check(String, String, String, Decision)} and
 * {@link #check(Request, Decision)} never block and allocate nothing when the identities are already
 * normalised; the forms that return a new {@link Decision} allocate only that decision.
 */
public final class RateLimiter implements AutoCloseable {
    private static final String ANONYMOUS = "anonymous";

    private final LimiterConfig config;
    private final Clock clock;
    /** The clock's wall-clock offset, read once: epoch = monotonic + this, for the clock's and explicit times alike. */
    private final long epochOffsetNanos;
    private final Backend backend;
    private final LimitPlan plan;
    private final boolean allOrNothing;
    private final boolean enforce;
    private final boolean disabled;
    /** True when a failure of the backend is decided on {@link #fallback} ({@code fail_mode: local}, remote backend). */
    private final boolean localFallback;
    /** What a request gets when no store can decide it: the fail mode, except that {@code local} has only open left. */
    private final FailMode lastResort;
    private final LongAdder failedOpen = new LongAdder();
    private final LongAdder failedClosed = new LongAdder();
    private final LongAdder decidedLocally = new LongAdder();
    private final LimitCounters counters;
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
        this.plan = new LimitPlan(config.limits());
        this.counters = new LimitCounters(config.limits());
        this.allOrNothing = config.allOrNothing();
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
     */
    public boolean check(String user, String tenant, String tool, Decision into) {
        long nowNanos = clock.monotonicNanos();
        return evaluate(Operation.CHECK, user, tenant, tool, null, 1, nowNanos, nowNanos + epochOffsetNanos, into);
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
     */
    public boolean check(String user, String tenant, String tool, long epochNanos, Decision into) {
        return evaluate(Operation.CHECK, user, tenant, tool, null, 1, epochNanos - epochOffsetNanos, epochNanos, into);
    }

    /**
     * Checks and charges one request, with its attributes and permits, at the clock's time.
     *
     * @param request the request; read during this call only
     * @return a new decision
     * @throws IllegalStateException when the limiter is closed
     */
    public Decision check(Request request) {
        Decision d = new Decision();
        check(request, d);
        return d;
    }

    /**
     * Checks and charges one request, with its attributes and permits, at the clock's time, writing the answer
     * into a decision the caller reuses. Every limit the request names is charged {@link Request#permits()}
     * units, even when another refuses it, unless the configuration is {@code all_or_nothing}.
     *
     * @param request the request; read during this call only
     * @param into the decision to overwrite
     * @return {@code into.allowed()}
     * @throws IllegalStateException when the limiter is closed
     */
    public boolean check(Request request, Decision into) {
        long nowNanos = clock.monotonicNanos();
        return evaluate(Operation.CHECK, request, nowNanos, nowNanos + epochOffsetNanos, into);
    }

    /**
     * Checks and charges one request at an explicit time, for tests and replays (as
     * {@link #check(String, String, String, long)}).
     *
     * @param request the request; read during this call only
     * @param epochNanos the request's time, nanoseconds since the Unix epoch
     * @param into the decision to overwrite
     * @return {@code into.allowed()}
     * @throws IllegalStateException when the limiter is closed
     */
    public boolean check(Request request, long epochNanos, Decision into) {
        return evaluate(Operation.CHECK, request, epochNanos - epochOffsetNanos, epochNanos, into);
    }

    /**
     * Answers what {@link #check(Request)} would answer now, charging nothing.
     *
     * @param request the request; read during this call only
     * @return a new decision
     * @throws IllegalStateException when the limiter is closed
     */
    public Decision peek(Request request) {
        Decision d = new Decision();
        peek(request, d);
        return d;
    }

    /**
     * Answers what {@link #check(Request, Decision)} would answer now, charging nothing: the same verdict, the
     * same numbers (the remaining after the request's permits, as if it had been charged), the same headers. A
     * backend failure is decided by the fail mode, as for a check.
     *
     * @param request the request; read during this call only
     * @param into the decision to overwrite
     * @return {@code into.allowed()}
     * @throws IllegalStateException when the limiter is closed
     */
    public boolean peek(Request request, Decision into) {
        long nowNanos = clock.monotonicNanos();
        return evaluate(Operation.PEEK, request, nowNanos, nowNanos + epochOffsetNanos, into);
    }

    /**
     * Forgets the state of every key the request names: each limit that would check it, at each of the rates in
     * force for it, starts afresh with its next check. Keys of other users, tenants or values are untouched. The
     * request's permits do not matter. {@code fail_mode: local}'s embedded store, when one has been made, forgets
     * the keys too.
     *
     * @param request the request whose keys to forget; read during this call only
     * @throws dev.sluice.spi.BackendException when the backend could not forget them (Redis unreachable)
     * @throws IllegalStateException when the limiter is closed
     */
    public void reset(Request request) {
        requireNonNull(request, "request");
        Decision d = new Decision();
        long nowNanos = clock.monotonicNanos();
        if (!prepare(Operation.RESET, request.user(), request.tenant(), request.tool(), request, 1, nowNanos,
                nowNanos + epochOffsetNanos, d)) {
            return;
        }
        Backend local = localFallback ? fallback : null;
        try {
            backend.evaluate(d.batch);
        } finally {
            if (local != null) {
                local.evaluate(d.batch);
            }
        }
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
    public CompletionStage<Decision> checkAsync(String user, String tenant, String tool) {
        Decision d = new Decision();
        long nowNanos = clock.monotonicNanos();
        if (!prepare(Operation.CHECK, user, tenant, tool, null, 1, nowNanos, nowNanos + epochOffsetNanos, d)) {
            return CompletableFuture.completedFuture(d);
        }
        return evaluateAsync(d);
    }

    /**
     * The asynchronous form of {@link #check(Request)}, ending as {@link #checkAsync(String, String, String)}
     * does. The request is read before this method returns, so the caller may reuse it at once.
     *
     * @param request the request
     * @return a stage completed with the decision
     * @throws IllegalStateException when the limiter is closed
     */
    public CompletionStage<Decision> checkAsync(Request request) {
        requireNonNull(request, "request");
        Decision d = new Decision();
        long nowNanos = clock.monotonicNanos();
        if (!prepare(Operation.CHECK, request.user(), request.tenant(), request.tool(), request, request.permits(),
                nowNanos, nowNanos + epochOffsetNanos, d)) {
            return CompletableFuture.completedFuture(d);
        }
        return evaluateAsync(d);
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the callback completes 'decided', with its own failure too
    private CompletionStage<Decision> evaluateAsync(Decision d) {
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

    /** {@return the per-limit counters, for tests in this package} */
    LimitCounters countersForTest() {
        return counters;
    }

    /** {@return the configuration this limiter runs} */
    public LimiterConfig config() {
        return config;
    }

    /** {@return a snapshot of each limit's counts, the failure counters and the backend's counters} */
    public LimiterStats stats() {
        long open = failedOpen.sum();
        long shut = failedClosed.sum();
        long local = decidedLocally.sum();
        return new LimiterStats(counters.snapshot(), open + shut + local, open, shut, local, backend.stats());
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

    private boolean evaluate(Operation operation, Request request, long monotonicNanos, long epochNanos, Decision d) {
        requireNonNull(request, "request");
        return evaluate(operation, request.user(), request.tenant(), request.tool(), request, request.permits(),
                monotonicNanos, epochNanos, d);
    }

    private boolean evaluate(Operation operation, String user, String tenant, String tool, Request request,
            long permits, long monotonicNanos, long epochNanos, Decision d) {
        if (!prepare(operation, user, tenant, tool, request, permits, monotonicNanos, epochNanos, d)) {
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
    private boolean prepare(Operation operation, String user, String tenant, String tool, Request request,
            long permits, long monotonicNanos, long epochNanos, Decision d) {
        if (closed) {
            throw new IllegalStateException("limiter is closed");
        }
        String t = normaliseTenant(tenant);
        d.batch.begin(operation, permits, allOrNothing, t, monotonicNanos, epochNanos);
        if (disabled && operation != Operation.RESET) {
            d.setUnlimited();
            return false;
        }
        plan.fill(d, user, t, tool, request);
        if (d.batch.size() == 0) {
            d.setUnlimited();
            return false;
        }
        return true;
    }

    private void complete(Decision d) {
        if (!d.aggregate(enforce)) {
            recover(d, null);
            return;
        }
        if (d.batch.operation() == Operation.CHECK) {
            counters.answered(d);
        }
        if (!d.allowed()) {
            Events.refused(d.batch);
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
        if (d.batch.operation() == Operation.CHECK) {
            counters.failed(d);
        }
        failureLog.failed(cause, FailMode.LOCAL);
        Events.backendFailure(config.backend(), FailMode.LOCAL.configName(), cause);
        if (!d.allowed()) {
            Events.refused(d.batch);
        }
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
        if (d.batch.operation() == Operation.CHECK) {
            counters.failed(d);
        }
        if (failMode == FailMode.CLOSED) {
            failedClosed.increment();
        } else {
            failedOpen.increment();
        }
        failureLog.failed(cause, failMode);
        Events.backendFailure(config.backend(), failMode.configName(), cause);
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
