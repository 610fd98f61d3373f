package dev.sluice.spi;

import java.io.Serial;

/**
 * A backend could not answer: unreachable, too slow, or an answer it could not read.
 *
 * <p>Immutable and thread-safe.
 */
public class BackendException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for a failure that another exception explains.
     *
     * @param message what failed
     * @param cause why, or {@code null}
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates an exception for a failure that the backend detected itself.
     *
     * @param message what failed
     */
    public BackendException(String message) {
        super(message);
    }
}
