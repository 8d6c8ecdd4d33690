package dev.sluice.database;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A snapshot of the database that one transaction exported ({@code pg_export_snapshot()})
 * and that other transactions may read from while it stays open.
 *
 * @param id the identifier {@code SET TRANSACTION SNAPSHOT} takes
 * @param takenAt when it was taken (the exporting statement's start)
 * @param position {@code pg_current_snapshot()} as text: which transactions it sees
 * @param lsn the write-ahead log position read just after it was taken
 */
public record Snapshot(String id, Instant takenAt, String position, String lsn) {

    // PostgreSQL's own form: hex backend and transaction ids, then a sequence number.
    private static final Pattern ID = Pattern.compile("[0-9A-F]{1,16}-[0-9A-F]{1,16}(-[0-9]{1,10})?");

    public Snapshot {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Not a snapshot identifier: '" + id + "'");
        }
    }

}
