package dev.sluice;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A minimal HTTP/1.1 client over a plain socket, for what higher-level clients hide:
 * reading a chunked body slowly or partly, dropping the connection mid-body, and telling
 * a complete body (ending in the zero-length chunk) from a truncated one.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;

    private final InputStream in;

    private int status;

    private String headers = "";

    private long bodyBytes;

    private boolean complete;

    private boolean headersRead;

    private long chunkRemaining = -1;

    private final String id;

    private RawHttp(Socket socket, String id) throws IOException {
        this.socket = socket;
        this.id = id;
        this.in = socket.getInputStream();
    }

    /**
     * Sends a GET; the socket's receive buffer is small so that a client that stops
     * reading is felt at once.
     */
    public static RawHttp get(int port, String path) throws IOException {
        return get(port, path, java.util.Map.of());
    }

    /** As {@link #get(int, String)}, with further request headers. */
    public static RawHttp get(int port, String path, java.util.Map<String, String> headers) throws IOException {
        StringBuilder extra = new StringBuilder();
        headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new java.net.InetSocketAddress("localhost", port), 5000);
        socket.setSoTimeout(30_000);
        String id = UUID.randomUUID().toString();
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Test-Stream: " + id + "\r\n"
                + extra + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new RawHttp(socket, id);
    }

    /**
     * Sends {@code request} as it is (request line, headers, the empty line and any body)
     * on a new connection, and returns everything the server sends until it closes it:
     * for requests a client library would normalise or refuse to send.
     */
    public static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new java.net.InetSocketAddress("localhost", port), 5000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public int status() throws IOException {
        readHeaders();
        return this.status;
    }

    public String headers() throws IOException {
        readHeaders();
        return this.headers;
    }

    /**
     * Reads up to {@code limit} body bytes (decoded from chunks); returns how many were
     * read.
     */
    public long read(long limit) throws IOException {
        readHeaders();
        long read = 0;
        byte[] buffer = new byte[8192];
        while (read < limit && !this.complete) {
            if (this.chunkRemaining <= 0) {
                if (this.chunkRemaining == 0) {
                    line(); // CRLF after the chunk's data
                }
                String size = line();
                if (size == null) {
                    return read; // EOF where a chunk size belongs
                }
                this.chunkRemaining = Long.parseLong(size.split(";")[0].trim(), 16);
                if (this.chunkRemaining == 0) {
                    this.complete = true;
                    break;
                }
            }
            int n = this.in.read(buffer, 0, (int) Math.min(buffer.length, Math.min(this.chunkRemaining, limit - read)));
            if (n < 0) {
                return read;
            }
            this.chunkRemaining -= n;
            read += n;
            this.bodyBytes += n;
        }
        return read;
    }

    /** Reads the rest of the body; true only if it ended with the zero-length chunk. */
    public boolean readToEnd() throws IOException {
        read(Long.MAX_VALUE);
        return this.complete;
    }

    /**
     * Body bytes the server has handed to the connection so far (see
     * {@link ResponseBytes}).
     */
    public long produced() {
        return ResponseBytes.produced(this.id);
    }

    public long bodyBytes() {
        return this.bodyBytes;
    }

    /** Drops the connection at once (RST), as a killed client would. */
    public void abort() throws IOException {
        this.socket.setSoLinger(true, 0);
        this.socket.close();
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }

    private void readHeaders() throws IOException {
        if (this.headersRead) {
            return;
        }
        this.headersRead = true;
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("Connection closed before the status line");
        }
        this.status = Integer.parseInt(statusLine.split(" ")[1]);
        StringBuilder all = new StringBuilder();
        String header;
        while ((header = line()) != null && !header.isEmpty()) {
            all.append(header.toLowerCase(java.util.Locale.ROOT)).append('\n');
        }
        this.headers = all.toString();
        if (!this.headers.contains("transfer-encoding: chunked")) {
            throw new IOException("Expected a chunked response, got headers:\n" + this.headers);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = this.in.read()) >= 0) {
            if (c == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(c);
        }
        return null;
    }

}
