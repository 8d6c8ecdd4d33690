package dev.sluice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the test database that a test can cut (every open connection
 * reset, new ones refused) and restore: a database outage without stopping the database.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;

    private final int targetPort;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private volatile boolean cut;

    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket();
            this.server.bind(new InetSocketAddress("localhost", 0));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        Thread acceptor = new Thread(this::accept, "tcp-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return this.server.getLocalPort();
    }

    /** Resets every open connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        this.cut = true;
        for (Socket socket : this.sockets) {
            reset(socket);
        }
    }

    public void restore() {
        this.cut = false;
    }

    @Override
    public void close() throws IOException {
        cut();
        this.server.close();
    }

    private void accept() {
        while (!this.server.isClosed()) {
            try {
                Socket client = this.server.accept();
                if (this.cut) {
                    reset(client);
                    continue;
                }
                Socket target = new Socket("localhost", this.targetPort);
                this.sockets.add(client);
                this.sockets.add(target);
                pipe(client, target);
                pipe(target, client);
            }
            catch (IOException ex) {
                // closed or refused: the next accept decides
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            }
            catch (IOException ex) {
                // one side went away
            }
            finally {
                reset(from);
                reset(to);
            }
        }, "tcp-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private void reset(Socket socket) {
        this.sockets.remove(socket);
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        }
        catch (IOException ex) {
            // already closed
        }
    }

}
