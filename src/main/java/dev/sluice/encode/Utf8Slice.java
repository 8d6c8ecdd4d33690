package dev.sluice.encode;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import tools.jackson.core.SerializableString;

/**
 * UTF-8 bytes copied out of a driver buffer into a reused array, handed to Jackson as raw
 * output (numbers, jsonb) or as a string to escape. Only the unquoted-UTF-8 methods are
 * used by the generator for raw values.
 */
final class Utf8Slice implements SerializableString {

    private byte[] bytes = new byte[256];

    private int length;

    Utf8Slice load(ByteBuf source) {
        this.length = source.readableBytes();
        if (this.length > this.bytes.length) {
            this.bytes = new byte[Math.max(this.length, this.bytes.length * 2)];
        }
        source.getBytes(source.readerIndex(), this.bytes, 0, this.length);
        return this;
    }

    byte[] bytes() {
        return this.bytes;
    }

    int length() {
        return this.length;
    }

    byte byteAt(int index) {
        return this.bytes[index];
    }

    boolean contains(byte b) {
        for (int i = 0; i < this.length; i++) {
            if (this.bytes[i] == b) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String getValue() {
        return new String(this.bytes, 0, this.length, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + this.length > buffer.length) {
            return -1;
        }
        System.arraycopy(this.bytes, 0, buffer, offset, this.length);
        return this.length;
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return Arrays.copyOf(this.bytes, this.length);
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws java.io.IOException {
        out.write(this.bytes, 0, this.length);
        return this.length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (this.length > buffer.remaining()) {
            return -1;
        }
        buffer.put(this.bytes, 0, this.length);
        return this.length;
    }

    @Override
    public char[] asQuotedChars() {
        throw new UnsupportedOperationException("raw values are never written quoted");
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw new UnsupportedOperationException("raw values are never written quoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        throw new UnsupportedOperationException("raw values are never written quoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        throw new UnsupportedOperationException("raw values are never written quoted");
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        throw new UnsupportedOperationException("raw values are written as UTF-8");
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw new UnsupportedOperationException("raw values are never written quoted");
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw new UnsupportedOperationException("raw values are never written quoted");
    }

}
