package dev.sluice.encode;

import java.io.OutputStream;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * The bytes of the chunk being encoded: a heap array reused for the whole stream. A full
 * chunk is copied out into a heap buffer of its own, never a pooled one: a chunk that a
 * cancel races past (the driver may map one more row as the client goes away) is simply
 * garbage, with nothing to release and nothing to leak.
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

    DataBuffer drain() {
        DataBuffer chunk = DefaultDataBufferFactory.sharedInstance.wrap(Arrays.copyOf(this.bytes, this.size));
        this.size = 0;
        return chunk;
    }

    private void ensure(int more) {
        if (this.size + more > this.bytes.length) {
            this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + more));
        }
    }

}
