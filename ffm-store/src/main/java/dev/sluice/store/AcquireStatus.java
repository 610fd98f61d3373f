package dev.sluice.store;

/**
 * How one {@link KeyedStore#acquire} call ended.
 *
 * <p>Immutable and thread-safe.
 */
public enum AcquireStatus {
    /** The unit was granted and recorded. */
    ALLOWED,
    /** The key had no unit left; nothing was recorded. */
    BLOCKED,
    /** The key was new and the store had no room for it; nothing was recorded. */
    TABLE_FULL
}
