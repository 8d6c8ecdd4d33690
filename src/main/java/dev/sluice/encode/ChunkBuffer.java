package dev.sluice.encode;

import java.io.OutputStream;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * The bytes of the chunk being encoded: a heap array reused for the whole stream. A full chunk is copied into one
 * buffer from the response's factory, so nothing pooled is held while rows are encoded and a cancelled stream has
 * nothing to release.
 */
final class ChunkBuffer extends OutputStream {

    private byte[] bytes;

    private int size;

    ChunkBuffer(int capacity) {
        this.bytes = new byte[capacity];
    }

    int size() {
        return this.size;
    }

    @Override
    public void write(int b) {
        ensure(1);
        this.bytes[this.size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, this.bytes, this.size, length);
        this.size += length;
    }

    /** Appends a buffer's readable bytes without moving its reader index. */
    void write(ByteBuf source, int index, int length) {
        ensure(length);
        source.getBytes(index, this.bytes, this.size, length);
        this.size += length;
    }

    DataBuffer drain(DataBufferFactory factory) {
        DataBuffer chunk = factory.allocateBuffer(this.size);
        chunk.write(this.bytes, 0, this.size);
        this.size = 0;
        return chunk;
    }

    private void ensure(int more) {
        if (this.size + more > this.bytes.length) {
            this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + more));
        }
    }

}
