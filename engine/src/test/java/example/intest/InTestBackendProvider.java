package example.intest;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.BackendRole;
import dev.sluice.spi.Settings;
import java.util.List;

/**
 * {@code backend: in-test}: a backend of the engine's tests, provided as any third party's is, through
 * {@code META-INF/services/dev.sluice.spi.BackendProvider} (in {@code in-test-backend/}, which
 * {@link InTestBackends#withProvider} puts on the class path). It owns {@code in_test_max_keys} and
 * {@code in_test_down}, and runs {@code fixed_window} only.
 *
 * <p>Stateless and thread-safe.
 */
public final class InTestBackendProvider implements BackendProvider<InTestOptions> {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public InTestBackendProvider() {
    }

    @Override
    public String name() {
        return "in-test";
    }

    @Override
    public List<String> keys() {
        return List.of("in_test_max_keys", "in_test_down");
    }

    @Override
    public InTestOptions parse(Settings settings, BackendContext context) {
        long maxKeys = settings.positiveLong("in_test_max_keys", 10_000);
        boolean down = settings.bool("in_test_down", false);
        if (context.role() == BackendRole.SELECTED && !context.algorithm().equals("fixed_window")) {
            settings.problem("algorithm", context.algorithm(), "the in-test backend runs fixed_window only");
        }
        return new InTestOptions(maxKeys, down);
    }

    @Override
    public Backend create(InTestOptions options, BackendContext context) {
        return new InTestBackend(options);
    }
}
