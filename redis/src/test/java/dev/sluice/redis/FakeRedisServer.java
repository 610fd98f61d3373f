package dev.sluice.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A loopback TCP server that misbehaves on purpose: it either accepts connections and never answers, or
 * speaks RESP and answers each command with whatever the test's function returns (raw RESP bytes).
 *
 * <p>Thread-safe; one daemon thread per connection.
 */
final class FakeRedisServer implements AutoCloseable {
    private final ServerSocket server;
    private final Function<List<String>, String> replies;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FakeRedisServer(Function<List<String>, String> replies) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.replies = replies;
        this.acceptor = Thread.ofPlatform().daemon().name("fake-redis-accept").start(this::accept);
    }

    /** A server that accepts TCP connections and never sends a byte. */
    static FakeRedisServer silent() throws IOException {
        return new FakeRedisServer(null);
    }

    /** A server that answers every command with {@code replies.apply(command)}, raw RESP. */
    static FakeRedisServer answering(Function<List<String>, String> replies) throws IOException {
        return new FakeRedisServer(replies);
    }

    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                if (replies != null) {
                    Thread.ofPlatform().daemon().name("fake-redis-conn").start(() -> serve(s));
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                List<String> command = readCommand(in);
                if (command == null) {
                    return;
                }
                out.write(replies.apply(command).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException closed) {
            // the client went away
        }
    }

    private static List<String> readCommand(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) {
            return null;
        }
        if (!header.startsWith("*")) {
            return List.of(header.split(" "));
        }
        int n = Integer.parseInt(header.substring(1));
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            args.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
            line(in);
        }
        return args;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                return null;
            }
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
