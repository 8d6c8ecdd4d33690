package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The lines the parser rejected: the first few errors in full, how many there were, and
 * their kinds. The parser rejects a line at its first error, so errors and rejected lines
 * are counted alike.
 */
final class ErrorLog {

    private final int cap;

    private final List<ImportError> errors = new ArrayList<>();

    private final EnumSet<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);

    private long count;

    ErrorLog(int cap) {
        this.cap = cap;
    }

    void reject(long line, @Nullable String column, String reason, ErrorKind kind) {
        this.count++;
        this.kinds.add(kind);
        if (this.errors.size() < this.cap) {
            this.errors.add(ImportError.of(line, column, reason, kind));
        }
    }

    long count() {
        return this.count;
    }

    List<ImportError> errors() {
        return List.copyOf(this.errors);
    }

    Set<ErrorKind> kinds() {
        return EnumSet.copyOf(this.kinds);
    }

}
