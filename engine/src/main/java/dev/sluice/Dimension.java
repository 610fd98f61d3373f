package dev.sluice;

/**
 * The preset limits ({@code by_user}, {@code by_tenant}, {@code by_tool}): what each is counted per. A request
 * is evaluated on each active preset in this order, then on the custom limits of the configuration's
 * {@code limits} section. A preset's name is its key space, the name its keys carry, and is reserved: no
 * custom limit may take it.
 *
 * <p>Immutable and thread-safe.
 */
public enum Dimension {
    /** Per user: {@code user:<user>}. */
    USER("user"),
    /** Per tenant, shared by all its users: {@code tenant:<tenant>}. */
    TENANT("tenant"),
    /** Per tool or prompt name: {@code tool:<tool>}. */
    TOOL("tool");

    private final String key;

    Dimension(String key) {
        this.key = key;
    }

    /** {@return the name used in keys, headers and metadata, e.g. {@code user}} */
    public String key() {
        return key;
    }

    /**
     * {@return the preset of that name, or {@code null} for a custom limit's}
     *
     * @param keySpace a limit's name, e.g. from {@link Decision#limitName(int)}
     */
    public static Dimension of(String keySpace) {
        // String.equals answers at once for the very strings the engine names the presets' entries with.
        if (USER.key.equals(keySpace)) {
            return USER;
        }
        if (TENANT.key.equals(keySpace)) {
            return TENANT;
        }
        return TOOL.key.equals(keySpace) ? TOOL : null;
    }
}
