package example.intest;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.Settings;
import java.util.List;

/** A provider whose name no {@code backend} setting can select: it is not lower-case. */
public final class BadlyNamedBackendProvider implements BackendProvider<Void> {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public BadlyNamedBackendProvider() {
    }

    @Override
    public String name() {
        return "In-Test";
    }

    @Override
    public List<String> keys() {
        return List.of();
    }

    @Override
    public Void parse(Settings settings, BackendContext context) {
        return null;
    }

    @Override
    public Backend create(Void options, BackendContext context) {
        throw new AssertionError("never created");
    }
}
