package dev.sluice.spi;

/**
 * What a backend is to one configuration. Every provider found reads and checks its own settings whatever its
 * role, so that a mistake in them is reported even while another backend is in use; only the role says which
 * settings are required and which ceilings apply.
 */
public enum BackendRole {
    /** The configuration's {@code backend} names it: it decides every request. */
    SELECTED,
    /**
     * The store {@code fail_mode: local} decides on while the selected, remote backend cannot answer. Only the
     * embedded backend ({@code memory}) takes this role.
     */
    LOCAL_FALLBACK,
    /** Neither: its settings are checked, and nothing is created. */
    UNUSED
}
