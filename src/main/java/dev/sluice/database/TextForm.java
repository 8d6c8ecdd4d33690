package dev.sluice.database;

import io.netty.buffer.ByteBuf;

/**
 * A column value as PostgreSQL sent it in text format: the driver's own buffer, valid
 * only while the row is being mapped. A type of its own, so that no built-in codec (which
 * would hand out a retained copy) answers for it.
 *
 * @param bytes the value's UTF-8 text form
 */
public record TextForm(ByteBuf bytes) {
}
