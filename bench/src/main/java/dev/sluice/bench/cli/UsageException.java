package dev.sluice.bench.cli;

/** A command line the CLI cannot run: the message names the flag and quotes the value. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the flag and quoting the input */
    public UsageException(String message) {
        super(message);
    }
}
