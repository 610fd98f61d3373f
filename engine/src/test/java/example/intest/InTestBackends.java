package example.intest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.function.Supplier;

/**
 * Puts a test backend's {@code META-INF/services} file on the class path for one action, as adding its jar would:
 * a class loader over the file's directory becomes the thread's context class loader, which
 * {@link java.util.ServiceLoader} searches. The file stays out of the class path of every other test (and of
 * the test-jar's users), which see only the engine's own backend.
 */
public final class InTestBackends {

    private InTestBackends() {
    }

    /** @return what {@code action} returns, with {@code in-test} ({@link InTestBackendProvider}) on the class path */
    public static <T> T withProvider(Supplier<T> action) {
        return withServicesOf("/in-test-backend/", action);
    }

    /** @return what {@code action} returns, with {@code broken} ({@link BrokenBackendProvider}) on the class path */
    public static <T> T withBrokenProvider(Supplier<T> action) {
        return withServicesOf("/broken-backend/", action);
    }

    /** @return what {@code action} returns, with {@link BadlyNamedBackendProvider} on the class path */
    public static <T> T withBadlyNamedProvider(Supplier<T> action) {
        return withServicesOf("/badly-named-backend/", action);
    }

    private static <T> T withServicesOf(String directory, Supplier<T> action) {
        URL services = InTestBackends.class.getResource(directory);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {services}, previous)) {
            thread.setContextClassLoader(loader);
            return action.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
