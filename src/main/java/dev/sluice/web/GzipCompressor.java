package dev.sluice.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** gzip (RFC 1952) with the JDK's deflater, one sync flush per chunk. */
final class GzipCompressor implements Compressor {

    // Magic, deflate, no flags, no mtime, no extra flags, OS unknown.
    private static final byte[] HEADER = { 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff };

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

    private final CRC32 crc = new CRC32();

    private final byte[] scratch = new byte[16 * 1024];

    private boolean started;

    private boolean closed;

    @Override
    public byte[] compress(ByteBuffer chunk) {
        if (this.closed) {
            // The body was cancelled while this chunk was on its way: nobody reads it.
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.remaining() / 2 + 64);
        header(out);
        this.crc.update(chunk.duplicate());
        this.deflater.setInput(chunk);
        int length;
        do {
            length = this.deflater.deflate(this.scratch, 0, this.scratch.length, Deflater.SYNC_FLUSH);
            out.write(this.scratch, 0, length);
        }
        while (length == this.scratch.length || !this.deflater.needsInput());
        return out.toByteArray();
    }

    @Override
    public byte[] finish() {
        if (this.closed) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        header(out);
        this.deflater.finish();
        while (!this.deflater.finished()) {
            out.write(this.scratch, 0, this.deflater.deflate(this.scratch));
        }
        int crc = (int) this.crc.getValue();
        int size = (int) this.deflater.getBytesRead();
        for (int value : new int[] { crc, size }) {
            out.write(value);
            out.write(value >>> 8);
            out.write(value >>> 16);
            out.write(value >>> 24);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        this.closed = true;
        this.deflater.end();
    }

    private void header(ByteArrayOutputStream out) {
        if (!this.started) {
            out.write(HEADER, 0, HEADER.length);
            this.started = true;
        }
    }

}
