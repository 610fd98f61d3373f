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

    /** @return the name used in keys, headers and metadata, e.g. {@code user} */
    public String key() {
        return key;
    }

    /**
     * @param keySpace a limit's name, e.g. from {@link Decision#limitName(int)}
     * @return the preset of that name, or {@code null} for a custom limit's
     */
    public static Dimension of(String keySpace) {
        // Identity first: the engine names the presets' entries with these very strings.
        if (keySpace == USER.key || USER.key.equals(keySpace)) {
            return USER;
        }
        if (keySpace == TENANT.key || TENANT.key.equals(keySpace)) {
            return TENANT;
        }
        return keySpace == TOOL.key || TOOL.key.equals(keySpace) ? TOOL : null;
    }
}
