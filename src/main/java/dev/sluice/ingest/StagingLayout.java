package dev.sluice.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.catalog.Column;
import dev.sluice.security.Tenant;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * The staging table's value columns: the dataset's writable columns in table order, with
 * what the parsers check on every row (the key and NOT NULL columns must have values).
 */
final class StagingLayout {

    private final List<Column> columns;

    private final Map<String, Integer> index = new HashMap<>();

    private final boolean[] key;

    private final boolean[] notNull;

    private final Set<String> generated;

    private final String dataset;

    // The tenant column's index and the value every row must have there (as COPY text),
    // or -1 and null.
    private final int tenantColumn;

    private final byte @Nullable [] tenantValue;

    private final @Nullable String tenantText;

    StagingLayout(TargetTable target, @Nullable Tenant tenant) {
        this.columns = target.writable();
        this.key = new boolean[this.columns.size()];
        this.notNull = new boolean[this.columns.size()];
        for (int i = 0; i < this.columns.size(); i++) {
            Column column = this.columns.get(i);
            this.index.put(column.name(), i);
            this.key[i] = target.dataset().key().contains(column);
            this.notNull[i] = target.notNull().contains(column.name());
        }
        this.generated = target.generated();
        this.dataset = target.dataset().name();
        Integer tenantIndex = (tenant != null) ? this.index.get(tenant.column()) : null;
        if (tenant != null && tenantIndex == null) {
            // A tenant column that cannot be written: no row could carry the tenant.
            throw new BadImportException(HttpStatus.FORBIDDEN, "Forbidden", "Dataset '" + this.dataset
                    + "' is confined to tenants by column '" + tenant.column() + "', which imports cannot write.");
        }
        this.tenantColumn = (tenantIndex != null) ? tenantIndex : -1;
        this.tenantValue = (tenant != null) ? CopyRows.text(tenant.value()) : null;
        this.tenantText = (tenant != null) ? tenant.value() : null;
    }

    String dataset() {
        return this.dataset;
    }

    List<Column> columns() {
        return this.columns;
    }

    int size() {
        return this.columns.size();
    }

    /**
     * The staging index of a column, or -1 if the dataset has no such writable column.
     */
    int indexOf(String name) {
        Integer position = this.index.get(name);
        return (position != null) ? position : -1;
    }

    /** Whether a name is a generated column: its values are ignored, not rejected. */
    boolean isGenerated(String name) {
        return this.generated.contains(name);
    }

    boolean isKey(int column) {
        return this.key[column];
    }

    String unknown(String name) {
        return "unknown field: dataset '" + this.dataset + "' has no column '" + name + "'";
    }

    /**
     * The first key or NOT NULL column of the row without a value, or null if there is
     * none.
     * @param written the columns the body writes (a CSV header may name fewer)
     * @param given the columns the line gave a value for, null included
     */
    @Nullable ImportError missing(CopyRows rows, boolean[] written, boolean[] given, long line) {
        for (boolean[] required : List.of(this.key, this.notNull)) {
            for (int i = 0; i < required.length; i++) {
                if (required[i] && written[i] && rows.isNull(i)) {
                    String name = this.columns.get(i).name();
                    String reason;
                    if (required == this.key) {
                        reason = given[i] ? "missing key: key column '" + name + "' is null"
                                : "missing key: the line has no value for key column '" + name + "'";
                    }
                    else {
                        reason = "column '" + name + "' is NOT NULL and the line "
                                + (given[i] ? "gives null" : "has no value for it");
                    }
                    return ImportError.of(line, name, reason, ErrorKind.INVALID);
                }
            }
        }
        if (this.tenantValue != null && (!written[this.tenantColumn] || rows.isNull(this.tenantColumn)
                || !rows.hasText(this.tenantColumn, this.tenantValue))) {
            String name = this.columns.get(this.tenantColumn).name();
            return ImportError.of(line, name, "column '" + name + "' must hold your tenant, '" + this.tenantText
                    + "': dataset '" + this.dataset + "' takes only your tenant's rows", ErrorKind.INVALID);
        }
        return null;
    }

}
