package example.intest;

/**
 * The in-test backend's options, read from its two settings.
 *
 * @param maxKeys {@code in_test_max_keys}: keys it holds; a new key beyond them is reported unavailable
 * @param down {@code in_test_down}: every evaluation fails, as a backend that cannot be reached does
 */
public record InTestOptions(long maxKeys, boolean down) {
}
