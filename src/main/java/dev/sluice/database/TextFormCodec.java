package dev.sluice.database;

import io.netty.buffer.ByteBuf;
import io.r2dbc.postgresql.client.EncodedParameter;
import io.r2dbc.postgresql.codec.Codec;
import io.r2dbc.postgresql.message.Format;
import org.jspecify.annotations.Nullable;

/**
 * Hands out a column's value exactly as PostgreSQL sent it in text format, as the
 * driver's own buffer: the encoders turn PostgreSQL's text form into JSON or CSV without
 * parsing it into Java values. The buffer is valid only while the row is being mapped,
 * which is where the encoders read it. Decode only: Sluice binds strings and numbers.
 */
final class TextFormCodec implements Codec<TextForm> {

    @Override
    public boolean canDecode(int dataType, Format format, Class<?> type) {
        return format == Format.FORMAT_TEXT && type == TextForm.class;
    }

    @Override
    public @Nullable TextForm decode(@Nullable ByteBuf buffer, int dataType, Format format,
            Class<? extends TextForm> type) {
        return (buffer != null) ? new TextForm(buffer) : null;
    }

    @Override
    public boolean canEncode(Object value) {
        return false;
    }

    @Override
    public boolean canEncodeNull(Class<?> type) {
        return false;
    }

    @Override
    public EncodedParameter encode(Object value) {
        throw new UnsupportedOperationException("TextFormCodec only decodes");
    }

    @Override
    public EncodedParameter encode(Object value, int dataType) {
        throw new UnsupportedOperationException("TextFormCodec only decodes");
    }

    @Override
    public EncodedParameter encodeNull() {
        throw new UnsupportedOperationException("TextFormCodec only decodes");
    }

}
