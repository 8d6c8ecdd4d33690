package dev.sluice.ingest;

import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Identifiers;
import dev.sluice.catalog.JsonKind;
import dev.sluice.security.Tenant;
import org.jspecify.annotations.Nullable;

/**
 * The statements of an import. Table, column and type names come only from the catalog
 * (quoted there, or quoted here as literals); the body's values reach PostgreSQL only as
 * COPY data in the staging table, all text, and are converted by SQL:
 * {@code CAST(v AS type)} for text forms,
 * {@code JSON_QUERY(v::jsonb, '$' RETURNING type)} for the JSON of arrays, composites and
 * extension types.
 * <p>
 * Before PostgreSQL 17 (no {@code JSON_QUERY}) JSON is converted by
 * {@code jsonb_populate_record} into the table's own row type, which is what
 * {@code JSON_QUERY ... RETURNING} does too. Before 16 (no {@code pg_input_is_valid}) a
 * value is checked by converting it in a subtransaction of a temporary function; so is
 * JSON before 17. Only imports that look for culprits run the checks.
 * <p>
 * Conversions cast to the base type without modifiers: the INSERT then applies the
 * column's own type, as it would to any value (an explicit cast to {@code varchar(3)}
 * would silently cut a longer value, the assignment refuses it). The checks use the
 * declared type, modifiers and domain included, so they refuse what the INSERT would.
 */
final class ImportSql {

    static final String ROWS = "pg_temp.sluice_import_rows";

    static final String REJECTS = "pg_temp.sluice_import_rejects";

    private static final String INPUT_ERROR = "pg_temp.sluice_input_error";

    private static final String NOT_REJECTED = "NOT EXISTS (SELECT 1 FROM " + REJECTS + " r WHERE r.line = s.line)";

    private final TargetTable target;

    private final StagingLayout layout;

    private final boolean json;

    private final @Nullable Tenant tenant;

    ImportSql(TargetTable target, StagingLayout layout, InputFormat format, @Nullable Tenant tenant) {
        this.target = target;
        this.layout = layout;
        this.json = format == InputFormat.NDJSON;
        this.tenant = tenant;
    }

    /** Whether the rows are confined to a tenant. */
    boolean confined() {
        return this.tenant != null;
    }

    String createRows() {
        StringJoiner columns = new StringJoiner(", ", "CREATE TEMPORARY TABLE sluice_import_rows (line int8 NOT NULL, ",
                ") ON COMMIT DROP");
        for (int i = 0; i < this.layout.size(); i++) {
            columns.add(value(i) + " text");
        }
        return columns.toString();
    }

    /**
     * Drops the staging tables of an earlier import in the same transaction (an import
     * job imports several files in one).
     */
    static String dropStaging() {
        return "DROP TABLE IF EXISTS " + ROWS + ", " + REJECTS;
    }

    String copy() {
        return "COPY " + ROWS + " FROM STDIN";
    }

    /** Copies rows of the given columns straight into the table. */
    String copyInto(List<Column> written) {
        return "COPY " + this.target.dataset().relation() + " "
                + written.stream().map(Column::identifier).collect(Collectors.joining(", ", "(", ")")) + " FROM STDIN";
    }

    /**
     * Whether PostgreSQL reads every given value as it is, with no conversion in SQL
     * (none of them is the JSON of an array, composite or extension type).
     */
    boolean readsAsIs(List<Column> written) {
        return written.stream().noneMatch(this::viaJson);
    }

    /**
     * Moves the staged rows into the table. An upsert into a plain table answers one row:
     * inserted, and all written; otherwise the row count is all written.
     * @param written the columns the body gave
     * @param upsert whether a row whose key exists is updated
     * @param skipRejected whether lines in the rejects table are left out
     */
    String insert(List<Column> written, boolean upsert, boolean skipRejected) {
        StringJoiner names = new StringJoiner(", ", " (", ")");
        StringJoiner values = new StringJoiner(", ", " SELECT ", " FROM " + ROWS + " s");
        for (Column column : written) {
            names.add(column.identifier());
            values.add(conversion(column));
        }
        StringBuilder insert = new StringBuilder("INSERT INTO ").append(this.target.dataset().relation())
            .append(" AS t")
            .append(names)
            .append(values);
        if (skipRejected) {
            insert.append(" WHERE ").append(NOT_REJECTED);
        }
        if (!upsert) {
            return insert.toString();
        }
        List<Column> key = this.target.dataset().key();
        insert.append(" ON CONFLICT (")
            .append(key.stream().map(Column::identifier).collect(Collectors.joining(", ")))
            .append(") DO UPDATE SET ");
        List<Column> updated = written.stream().filter((column) -> !key.contains(column)).toList();
        // With nothing but the key to set, a no-op update still counts the row as
        // updated.
        List<Column> set = updated.isEmpty() ? key.subList(0, 1) : updated;
        insert.append(set.stream()
            .map((column) -> column.identifier() + " = EXCLUDED." + column.identifier())
            .collect(Collectors.joining(", ")));
        if (this.tenant != null) {
            // The row the key met is another tenant's: fail (division by zero, a data
            // error) rather than update it, so the lines are looked into
            // (rejectOtherTenantsKeys). The divisor names t, so it is not folded at plan
            // time.
            String column = Identifiers.quote(this.tenant.column());
            insert.append(" WHERE CASE WHEN t.")
                .append(column)
                .append(" IS NOT DISTINCT FROM EXCLUDED.")
                .append(column)
                .append(" THEN true ELSE 1 / (0 * pg_catalog.length(COALESCE(t.")
                .append(column)
                .append("::text, ''))) = 0 END");
        }
        if (!this.target.kind().equals("r")) {
            return insert.toString();
        }
        // xmax is 0 on a freshly inserted row version, set on one that ON CONFLICT
        // updated (a partitioned table has no xmax to return: see existingKeys).
        return "WITH written AS (" + insert + " RETURNING (t.xmax = 0) AS inserted) "
                + "SELECT count(*) FILTER (WHERE inserted), count(*) FROM written";
    }

    /**
     * A function that runs a probe (a statement of ours) on a value and answers the error
     * it raised, or NULL: the check of a value on servers without
     * {@code pg_input_is_valid} or {@code JSON_QUERY}; null where none is needed.
     */
    @Nullable String createInputCheck() {
        if (this.target.serverVersion() >= 170000) {
            return null;
        }
        return "CREATE OR REPLACE FUNCTION " + INPUT_ERROR + "(probe text, value text) RETURNS text"
                + " LANGUAGE plpgsql AS $$ BEGIN EXECUTE probe USING value; RETURN NULL;"
                + " EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN RETURN SQLERRM; END $$";
    }

    String createRejects() {
        return "CREATE TEMPORARY TABLE sluice_import_rejects "
                + "(line int8 NOT NULL, col text, reason text NOT NULL, kind text NOT NULL) ON COMMIT DROP";
    }

    /**
     * Rejects every value that does not fit its column's type, with PostgreSQL's own
     * message, in one pass over the staged rows.
     */
    String rejectBadValues(List<Column> written) {
        StringJoiner checks = new StringJoiner(", ", " CROSS JOIN LATERAL (VALUES ", ") AS e(col, reason)");
        for (Column column : written) {
            checks.add("(" + literal(column.name()) + ", " + check(column) + ")");
        }
        return "INSERT INTO " + REJECTS + " (line, col, reason, kind) SELECT s.line, e.col, e.reason, '"
                + ErrorKind.INVALID + "' FROM " + ROWS + " s" + checks + " WHERE e.reason IS NOT NULL";
    }

    /** Rejects each line whose key an earlier line of the body has already given. */
    String rejectDuplicateKeys() {
        String keys = this.target.dataset().key().stream().map(this::conversion).collect(Collectors.joining(", "));
        return "INSERT INTO " + REJECTS + " (line, col, reason, kind) SELECT d.line, " + keyNames() + ", "
                + "'duplicate key (' || d.key || '): line ' || d.first || ' has the same key', '" + ErrorKind.CONFLICT
                + "' FROM (SELECT s.line, " + keyText() + " AS key, min(s.line) OVER (PARTITION BY " + keys
                + ") AS first FROM " + ROWS + " s WHERE " + NOT_REJECTED + ") d WHERE d.line <> d.first";
    }

    /** Rejects each line whose key the table has already (mode=insert). */
    String rejectExistingKeys() {
        String match = keyMatch();
        return "INSERT INTO " + REJECTS + " (line, col, reason, kind) SELECT s.line, " + keyNames() + ", "
                + "'a row with this key (' || " + keyText() + " || ') exists already', '" + ErrorKind.CONFLICT
                + "' FROM " + ROWS + " s WHERE " + NOT_REJECTED + " AND EXISTS (SELECT 1 FROM "
                + this.target.dataset().relation() + " t WHERE " + match + ")";
    }

    /**
     * Rejects (for an upsert confined to a tenant) the lines whose key the table has in a
     * row of another tenant: such a row is never updated.
     */
    String rejectOtherTenantsKeys() {
        Column tenant = tenant();
        return "INSERT INTO " + REJECTS + " (line, col, reason, kind) SELECT s.line, " + keyNames() + ", "
                + "'the key (' || " + keyText() + " || ') is taken by a row of another tenant', '" + ErrorKind.CONFLICT
                + "' FROM " + ROWS + " s WHERE " + NOT_REJECTED + " AND EXISTS (SELECT 1 FROM "
                + this.target.dataset().relation() + " t WHERE " + keyMatch() + " AND t." + tenant.identifier()
                + " IS DISTINCT FROM " + conversion(tenant) + ")";
    }

    private Column tenant() {
        String name = String.valueOf((this.tenant != null) ? this.tenant.column() : null);
        return this.target.dataset()
            .column(name)
            .orElseThrow(() -> new IllegalStateException("Dataset has no tenant column " + name));
    }

    /**
     * Staged rows whose key the table has: the rows an upsert into a partitioned table
     * will update.
     */
    String existingKeys(boolean skipRejected) {
        return "SELECT count(*) FROM " + ROWS + " s WHERE " + (skipRejected ? NOT_REJECTED + " AND " : "")
                + "EXISTS (SELECT 1 FROM " + this.target.dataset().relation() + " t WHERE " + keyMatch() + ")";
    }

    /** Rejected lines, errors, and the kinds of error among them. */
    String rejectSummary() {
        return "SELECT count(DISTINCT line), count(*), string_agg(DISTINCT kind, ',') FROM " + REJECTS;
    }

    String rejectList(int limit) {
        return "SELECT line, col, reason, kind FROM " + REJECTS + " ORDER BY line, col LIMIT " + limit;
    }

    private String keyMatch() {
        return this.target.dataset()
            .key()
            .stream()
            .map((column) -> "t." + column.identifier() + " = " + conversion(column))
            .collect(Collectors.joining(" AND "));
    }

    private String conversion(Column column) {
        String value = "s." + value(this.layout.indexOf(column.name()));
        if (!viaJson(column)) {
            return "CAST(" + value + " AS " + column.baseType() + ")";
        }
        if (this.target.serverVersion() < 170000) {
            return populate(column, value + "::jsonb");
        }
        return jsonQuery(value, column.baseType(), "ERROR");
    }

    // The value as the column's declared type, as json_populate_record makes it from a
    // JSON value: a JSON string's content goes to the type's input function.
    private String populate(Column column, String json) {
        return "(pg_catalog.jsonb_populate_record(NULL::" + this.target.dataset().relation()
                + ", pg_catalog.jsonb_build_object(" + literal(column.name()) + ", " + json + ")))."
                + column.identifier();
    }

    // The error a probe raises on the value, or NULL (see createInputCheck).
    private static String inputError(String probe, String value) {
        return INPUT_ERROR + "(" + literal(probe) + ", " + value + ")";
    }

    // The reason a value does not fit, or NULL.
    private String check(Column column) {
        String value = "s." + value(this.layout.indexOf(column.name()));
        String type = literal(column.type());
        String notValid = literal("the JSON value is not a valid " + column.type());
        int version = this.target.serverVersion();
        if (!viaJson(column)) {
            if (version < 160000) {
                return "CASE WHEN " + value + " IS NOT NULL THEN " + inputError(textProbe(column), value) + " END";
            }
            return "CASE WHEN " + value + " IS NOT NULL AND NOT pg_catalog.pg_input_is_valid(" + value + ", " + type
                    + ") THEN (pg_catalog.pg_input_error_info(" + value + ", " + type + ")).message END";
        }
        String json = (version < 160000) ? inputError("SELECT CAST($1 AS jsonb)", value)
                : "CASE WHEN NOT pg_catalog.pg_input_is_valid(" + value
                        + ", 'jsonb') THEN (pg_catalog.pg_input_error_info(" + value + ", 'jsonb')).message END";
        if (version < 170000) {
            return "CASE WHEN " + value + " IS NULL THEN NULL ELSE COALESCE(" + json + ", CASE WHEN "
                    + inputError("SELECT " + populate(column, "$1::jsonb"), value) + " IS NOT NULL THEN " + notValid
                    + " END) END";
        }
        return "CASE WHEN " + value + " IS NULL THEN NULL WHEN NOT pg_catalog.pg_input_is_valid(" + value
                + ", 'jsonb') THEN (pg_catalog.pg_input_error_info(" + value + ", 'jsonb')).message"
                + " WHEN pg_catalog.num_nulls(" + jsonQuery(value, column.type(), "NULL") + ") = 1 THEN " + notValid
                + " END";
    }

    // Reads a text form as the column's declared type would (its input function, with
    // the type's modifiers and domain checks, where a cast would cut a varchar). json
    // and jsonb keep a string as a string there, so they are cast.
    private String textProbe(Column column) {
        if (column.baseType().equals("json") || column.baseType().equals("jsonb")) {
            return "SELECT CAST($1 AS " + column.type() + ")";
        }
        return "SELECT " + populate(column, "$1");
    }

    // A JSON string holds a value's text form (extension types); anything else is
    // turned into the type as json_populate_record would.
    private static String jsonQuery(String value, String type, String onError) {
        return "CASE WHEN left(" + value + ", 1) = '\"' THEN JSON_QUERY(" + value + "::jsonb, '$' RETURNING " + type
                + " OMIT QUOTES " + onError + " ON ERROR) ELSE JSON_QUERY(" + value + "::jsonb, '$' RETURNING " + type
                + " " + onError + " ON ERROR) END";
    }

    // NDJSON values of arrays, composites and extension types are JSON; jsonb and json
    // are their own text form.
    private boolean viaJson(Column column) {
        return this.json && column.jsonKind() == JsonKind.COMPUTED && !column.baseType().equals("json");
    }

    private String keyNames() {
        return literal(this.target.dataset().key().stream().map(Column::name).collect(Collectors.joining(", ")));
    }

    private String keyText() {
        List<Column> key = this.target.dataset().key();
        StringJoiner text = new StringJoiner(" || ', ' || ");
        for (Column column : key) {
            String value = "s." + value(this.layout.indexOf(column.name()));
            text.add((key.size() > 1) ? literal(column.name() + " = ") + " || " + value : value);
        }
        return "(" + text + ")";
    }

    private static String value(int index) {
        return "v" + (index + 1);
    }

    static String literal(String text) {
        String quoted = "'" + text.replace("'", "''") + "'";
        return text.contains("\\") ? "E" + quoted.replace("\\", "\\\\") : quoted;
    }

}
