package dev.sluice;

import java.util.Arrays;

/**
 * One request as {@link RateLimiter#check(Request, Decision)}, {@link RateLimiter#peek(Request, Decision)} and
 * {@link RateLimiter#reset(Request)} take it: its user, tenant and tool, the attributes a caller sets by name for
 * custom limits ({@code api_key}, {@code route}), and what it costs ({@link #permits(long)}, 1 unless set).
 * Values are given as the caller has them; the limiter normalises them (see {@link Limit}).
 *
 * <pre>{@code
 * Request request = new Request();      // one per thread, reused
 * Decision decision = new Decision();
 * request.clear().user("alice").tenant("acme").attribute("api_key", key).permits(5);
 * if (!limiter.check(request, decision)) { respond(decision.httpStatus(), decision.headers()); }
 * }</pre>
 *
 * <p>Reusing a request allocates nothing once it has held as many attributes as it will hold. Not thread-safe:
 * a request belongs to one caller at a time, and the limiter reads it only during the call it is given to.
 */
public final class Request {
    private String user;
    private String tenant;
    private String tool;
    private long permits = 1;
    private String[] names = new String[4];
    private String[] values = new String[4];
    private int attributes;

    /** Creates an empty request: no identities, no attributes, one permit. */
    public Request() {
    }

    /** {@return this request emptied: no identities, no attributes, one permit} */
    public Request clear() {
        user = null;
        tenant = null;
        tool = null;
        permits = 1;
        Arrays.fill(values, 0, attributes, null);
        attributes = 0;
        return this;
    }

    /**
     * {@return this}
     *
     * @param user the user; {@code null} or blank means {@code anonymous}
     */
    public Request user(String user) {
        this.user = user;
        return this;
    }

    /**
     * {@return this}
     *
     * @param tenant the tenant; {@code null} or blank means none
     */
    public Request tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    /**
     * {@return this}
     *
     * @param tool the tool or prompt name; {@code null} means none
     */
    public Request tool(String tool) {
        this.tool = tool;
        return this;
    }

    /**
     * Sets an attribute that custom limits are keyed by. The names {@code user}, {@code tenant} and {@code tool}
     * set those identities.
     *
     * @param name the attribute's name, as the configuration's {@code key} names it
     * @param value its value; {@code null} or blank means the request has none, and the limits keyed by it do
     *     not apply
     * @return this
     * @throws IllegalArgumentException when {@code name} is null
     */
    public Request attribute(String name, String value) {
        if (name == null) {
            throw new IllegalArgumentException("name=null: an attribute needs a name");
        }
        switch (name) {
            case Attributes.USER -> user = value;
            case Attributes.TENANT -> tenant = value;
            case Attributes.TOOL -> tool = value;
            default -> put(name, value);
        }
        return this;
    }

    private void put(String name, String value) {
        for (int i = 0; i < attributes; i++) {
            if (names[i].equals(name)) {
                values[i] = value;
                return;
            }
        }
        if (attributes == names.length) {
            names = Arrays.copyOf(names, attributes * 2);
            values = Arrays.copyOf(values, attributes * 2);
        }
        names[attributes] = name;
        values[attributes] = value;
        attributes++;
    }

    /**
     * Sets what the request costs on every limit it is checked against. A request that costs more than a limit's
     * count is refused by that limit whenever it comes (see {@code docs/algorithms.md}).
     *
     * @param permits units, at least 1
     * @return this
     * @throws IllegalArgumentException when {@code permits} is below 1
     */
    public Request permits(long permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits=" + permits + ": must be at least 1");
        }
        this.permits = permits;
        return this;
    }

    /** {@return the user as given, or {@code null}} */
    public String user() {
        return user;
    }

    /** {@return the tenant as given, or {@code null}} */
    public String tenant() {
        return tenant;
    }

    /** {@return the tool as given, or {@code null}} */
    public String tool() {
        return tool;
    }

    /**
     * {@return its value as given, or {@code null} when the request has none}
     *
     * @param name an attribute's name; {@code user}, {@code tenant} and {@code tool} give those identities
     */
    public String attribute(String name) {
        return switch (name) {
            case Attributes.USER -> user;
            case Attributes.TENANT -> tenant;
            case Attributes.TOOL -> tool;
            default -> other(name);
        };
    }

    /** {@return the value of a caller-set attribute, not one of the identities, or {@code null}} */
    String other(String name) {
        for (int i = 0; i < attributes; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** {@return units the request costs on every limit, at least 1} */
    public long permits() {
        return permits;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Request{user=").append(user).append(", tenant=").append(tenant)
                .append(", tool=").append(tool);
        for (int i = 0; i < attributes; i++) {
            s.append(", ").append(names[i]).append('=').append(values[i]);
        }
        return s.append(", permits=").append(permits).append('}').toString();
    }
}
