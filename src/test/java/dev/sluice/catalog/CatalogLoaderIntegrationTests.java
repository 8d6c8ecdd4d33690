package dev.sluice.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.TestDatabase;
import dev.sluice.catalog.CatalogProperties.DatasetDefinition;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Datasets read from the PostgreSQL catalog of the shared test database, and the startup
 * errors of bad ones.
 */
class CatalogLoaderIntegrationTests {

    // A relation whose schema and name both need quoting; created here, as the shared
    // fixtures have none.
    private static final String ODD_RELATION = "\"catalog loader\".\"Odd \"\"Name\"\"\"";

    private static DatabaseClient database;

    @BeforeAll
    static void connect() throws SQLException {
        TestDatabase testDatabase = TestDatabase.shared();
        try (Connection connection = testDatabase.jdbc(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS \"catalog loader\"");
            statement.execute("CREATE TABLE IF NOT EXISTS " + ODD_RELATION
                    + " (\"Id\" integer PRIMARY KEY, \"we\"\"ird\" text, plain text)");
        }
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(testDatabase.r2dbcUrl())
            .mutate()
            .option(ConnectionFactoryOptions.USER, testDatabase.username())
            .option(ConnectionFactoryOptions.PASSWORD, testDatabase.password())
            .build();
        database = DatabaseClient.create(ConnectionFactories.get(options));
    }

    @Test
    void tableColumnsInTableOrderWithTheirTypes() {
        Dataset events = load("events", definition("public.events", "id"));
        assertThat(events.name()).isEqualTo("events");
        assertThat(events.relation()).isEqualTo("\"public\".\"events\"");
        assertThat(events.columns()).extracting(Column::name)
            .containsExactly("id", "kind", "amount", "created_at", "flag", "payload", "note");
        assertThat(events.columns()).extracting(Column::type)
            .containsExactly("bigint", "text", "numeric(12,2)", "timestamp with time zone", "boolean", "jsonb", "text");
        assertThat(events.columns()).extracting(Column::baseType)
            .containsExactly("bigint", "text", "numeric", "timestamp with time zone", "boolean", "jsonb", "text");
        assertThat(events.columns()).allMatch(Column::filterable);
        assertThat(events.key()).extracting(Column::name).containsExactly("id");
        assertThat(events.fetchSize()).isNull();
    }

    @Test
    void viewColumnsInViewOrder() {
        Dataset refunds = load("refunds", definition("refunds", "id"));
        assertThat(refunds.relation()).isEqualTo("\"public\".\"refunds\"");
        assertThat(refunds.columns()).extracting(Column::name).containsExactly("id", "amount", "created_at");
        assertThat(refunds.columns()).extracting(Column::type)
            .containsExactly("bigint", "numeric(12,2)", "timestamp with time zone");
    }

    @Test
    void typesWithModifiersDomainsEnumsAndArrays() {
        Dataset types = load("types", definition("type_samples", "id"));
        assertThat(column(types, "c_domain").type()).isEqualTo("positive_amount");
        assertThat(column(types, "c_domain").baseType()).isEqualTo("numeric");
        assertThat(column(types, "c_varchar").type()).isEqualTo("character varying(40)");
        assertThat(column(types, "c_varchar").baseType()).isEqualTo("character varying");
        assertThat(column(types, "c_timestamp").type()).isEqualTo("timestamp without time zone");
        assertThat(column(types, "c_enum").type()).isEqualTo("mood");
        assertThat(column(types, "c_enum").baseType()).isEqualTo("mood");
        assertThat(column(types, "c_int_array").type()).isEqualTo("integer[]");
        assertThat(column(types, "c_text_2d").type()).isEqualTo("text[]");
        assertThat(column(types, "c_composite").type()).isEqualTo("money_pair");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({ "c_smallint, NUMBER", "c_integer, NUMBER", "c_bigint, NUMBER", "c_numeric, NUMBER", "c_domain, NUMBER",
            "c_real, FLOAT", "c_double, FLOAT", "c_boolean, BOOLEAN", "c_timestamp, TIMESTAMP",
            "c_timestamptz, TIMESTAMP", "c_jsonb, RAW_JSON", "c_json, COMPUTED", "c_int_array, COMPUTED",
            "c_text_2d, COMPUTED", "c_timestamptz_array, COMPUTED", "c_composite, COMPUTED", "c_enum, STRING",
            "c_date, STRING", "c_uuid, STRING", "c_text, STRING", "c_char, STRING", "c_interval, STRING",
            "c_money, STRING", "c_point, STRING", "c_int4range, STRING", "c_oid, STRING" })
    void jsonKinds(String name, JsonKind kind) {
        Dataset types = load("types", definition("type_samples", "id"));
        assertThat(column(types, name).jsonKind()).isEqualTo(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = { "events", "public.events", "\"events\"", "\"public\".\"events\"", "PUBLIC.Events",
            "  public . events  " })
    void relationNamesAsRegclassReadsThem(String table) {
        Dataset dataset = load("events", definition(table, "id"));
        assertThat(dataset.relation()).isEqualTo("\"public\".\"events\"");
        assertThat(dataset.columns()).hasSize(7);
    }

    @Test
    void relationAndColumnNamesThatNeedQuoting() {
        Dataset odd = load("odd", definition(ODD_RELATION, "Id"));
        assertThat(odd.relation()).isEqualTo(ODD_RELATION);
        assertThat(odd.columns()).extracting(Column::name).containsExactly("Id", "we\"ird", "plain");
        assertThat(odd.columns()).extracting(Column::identifier)
            .containsExactly("\"Id\"", "\"we\"\"ird\"", "\"plain\"");
    }

    @Test
    void columnsAllowlistKeepsTableOrder() {
        Dataset dataset = load("some", new DatasetDefinition("events", List.of("id"),
                List.of("created_at", "note", "kind", "id"), null, null));
        assertThat(dataset.columns()).extracting(Column::name).containsExactly("id", "kind", "created_at", "note");
        assertThat(dataset.columns()).allMatch(Column::filterable);
    }

    @Test
    void filterableAllowlist() {
        Dataset restricted = load("restricted", new DatasetDefinition("events", List.of("id"),
                List.of("id", "kind", "amount", "created_at"), List.of("created_at", "kind"), null));
        assertThat(restricted.columns()).extracting(Column::name, Column::filterable)
            .containsExactly(tuple("id", false), tuple("kind", true), tuple("amount", false),
                    tuple("created_at", true));
        assertThat(restricted.key()).extracting(Column::name).containsExactly("id");
    }

    @Test
    void compositeKeyInKeyOrderNotTableOrder() {
        assertThat(load("pairs", definition("pairs", "tenant", "seq")).key()).extracting(Column::name)
            .containsExactly("tenant", "seq");
        assertThat(load("pairs", definition("pairs", "seq", "tenant")).key()).extracting(Column::name)
            .containsExactly("seq", "tenant");
    }

    @Test
    void fetchSize() {
        assertThat(load("big", new DatasetDefinition("big_events", List.of("id"), null, null, 1000)).fetchSize())
            .isEqualTo(1000);
    }

    @Test
    void catalogHoldsEveryDatasetByName() {
        Map<String, DatasetDefinition> definitions = new LinkedHashMap<>();
        definitions.put("pairs", definition("pairs", "tenant", "seq"));
        definitions.put("events", definition("events", "id"));
        definitions.put("refunds", definition("refunds", "id"));
        Catalog catalog = load(new CatalogProperties(definitions));
        assertThat(catalog.datasets()).extracting(Dataset::name).containsExactly("events", "pairs", "refunds");
        assertThat(catalog.dataset("refunds").relation()).isEqualTo("\"public\".\"refunds\"");
        assertThatExceptionOfType(DatasetNotFoundException.class).isThrownBy(() -> catalog.dataset("nope"));
    }

    @Test
    void missingTable() {
        assertInvalid(definition("no_such_table", "id"),
                "Dataset 'broken': table or view 'no_such_table' does not exist");
    }

    @ParameterizedTest
    @ValueSource(strings = { "events; DROP TABLE events", "\"events", "other.events", "events.id" })
    void malformedOrUnknownRelationNamesAreMissingTables(String table) {
        assertInvalid(definition(table, "id"), "table or view '" + table + "' does not exist");
    }

    @Test
    void tableNotSet() {
        assertInvalid(definition(" ", "id"), "sluice.datasets.broken.table is not set");
        assertInvalid(new DatasetDefinition(null, List.of("id"), null, null, null),
                "sluice.datasets.broken.table is not set");
    }

    @Test
    void missingColumnInColumns() {
        assertInvalid(new DatasetDefinition("events", List.of("id"), List.of("id", "colour"), null, null),
                "columns names column 'colour', which public.events does not have");
    }

    @Test
    void columnNamesAreCaseSensitive() {
        assertInvalid(new DatasetDefinition("events", List.of("id"), List.of("id", "Kind"), null, null),
                "columns names column 'Kind', which public.events does not have");
    }

    @Test
    void missingKeyColumn() {
        assertInvalid(definition("pairs", "tenant", "sequence"),
                "key names column 'sequence', which public.pairs does not have");
    }

    @Test
    void missingFilterableColumn() {
        assertInvalid(new DatasetDefinition("events", List.of("id"), null, List.of("kind", "colour"), null),
                "filterable names column 'colour', which is not among the dataset's columns");
    }

    @Test
    void filterableColumnThatIsNotVisible() {
        assertInvalid(new DatasetDefinition("events", List.of("id"), List.of("id", "kind"), List.of("note"), null),
                "filterable names column 'note', which is not among the dataset's columns");
    }

    @Test
    void keyNotAmongTheColumns() {
        assertInvalid(new DatasetDefinition("events", List.of("id"), List.of("kind", "amount"), null, null),
                "key names column 'id', which is not among the dataset's columns");
    }

    @Test
    void keyNotSet() {
        assertInvalid(new DatasetDefinition("events", null, null, null, null), "sluice.datasets.broken.key is not set");
        assertInvalid(new DatasetDefinition("events", List.of(), null, null, null),
                "sluice.datasets.broken.key is not set");
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, -1, Integer.MIN_VALUE })
    void nonPositiveFetchSize(int fetchSize) {
        assertInvalid(new DatasetDefinition("events", List.of("id"), null, null, fetchSize),
                "fetch-size must be at least 1");
    }

    @Test
    void oneInvalidDatasetFailsTheWholeCatalog() {
        Map<String, DatasetDefinition> definitions = Map.of("events", definition("events", "id"), "broken",
                definition("events", "colour"));
        assertThatExceptionOfType(InvalidDatasetException.class)
            .isThrownBy(() -> load(new CatalogProperties(definitions)))
            .withMessageContaining("Dataset 'broken': key names column 'colour'");
    }

    @Test
    void relationThatIsNotATableOrViewIsInvalid() {
        assertInvalid(definition("events_pkey", "id"), "events_pkey");
    }

    @Test
    void relationInAnotherDatabaseIsAMissingTable() {
        assertInvalid(definition("elsewhere.public.events", "id"), "table or view 'elsewhere.public.events'");
    }

    @Test
    void castToTheBaseTypeKeepsTheWholeValue() {
        Dataset types = load("types", definition("type_samples", "id"));
        assertThat(cast("abcdef", column(types, "c_char").baseType())).isEqualTo("abcdef");
        assertThat(cast("1010", column(types, "c_bit").baseType())).isEqualTo("1010");
    }

    @Test
    void castToTheBaseTypeOfVarcharAndNumericDomainKeepsTheWholeValue() {
        Dataset types = load("types", definition("type_samples", "id"));
        assertThat(cast("a".repeat(50), column(types, "c_varchar").baseType())).isEqualTo("a".repeat(50));
        assertThat(cast("123456789012.345", column(types, "c_domain").baseType())).isEqualTo("123456789012.345");
    }

    @Test
    void kindFollowsPostgresqlsJsonCategories() {
        assertThat(CatalogLoader.kind(16, 'b', 'B', 1, 0)).isEqualTo(JsonKind.BOOLEAN);
        assertThat(CatalogLoader.kind(1700, 'b', 'N', -1, 0)).isEqualTo(JsonKind.NUMBER);
        assertThat(CatalogLoader.kind(700, 'b', 'N', 4, 0)).isEqualTo(JsonKind.FLOAT);
        assertThat(CatalogLoader.kind(1184, 'b', 'D', 8, 0)).isEqualTo(JsonKind.TIMESTAMP);
        assertThat(CatalogLoader.kind(3802, 'b', 'U', -1, 0)).isEqualTo(JsonKind.RAW_JSON);
        assertThat(CatalogLoader.kind(114, 'b', 'U', -1, 0)).isEqualTo(JsonKind.COMPUTED);
        // int4[]: a varlena array
        assertThat(CatalogLoader.kind(1007, 'b', 'A', -1, 23)).isEqualTo(JsonKind.COMPUTED);
        // name and point have an element type but are fixed-length: not arrays
        // to to_jsonb()
        assertThat(CatalogLoader.kind(19, 'b', 'S', 64, 18)).isEqualTo(JsonKind.STRING);
        assertThat(CatalogLoader.kind(600, 'b', 'G', 16, 701)).isEqualTo(JsonKind.STRING);
        assertThat(CatalogLoader.kind(20000, 'c', 'C', -1, 0)).isEqualTo(JsonKind.COMPUTED);
        assertThat(CatalogLoader.kind(20001, 'e', 'E', 4, 0)).isEqualTo(JsonKind.STRING);
        // a type created after initdb (an extension's) may have its own cast to json
        assertThat(CatalogLoader.kind(20002, 'b', 'U', -1, 0)).isEqualTo(JsonKind.COMPUTED);
        assertThat(CatalogLoader.kind(2950, 'b', 'U', 16, 0)).isEqualTo(JsonKind.STRING);
    }

    private static String cast(String value, String type) {
        return database.sql("SELECT CAST($1 AS " + type + ")::text")
            .bind(0, value)
            .map((row) -> row.get(0, String.class))
            .one()
            .block(Duration.ofSeconds(30));
    }

    private static void assertInvalid(DatasetDefinition definition, String message) {
        assertThatExceptionOfType(InvalidDatasetException.class).isThrownBy(() -> load("broken", definition))
            .withMessageContaining(message);
    }

    private static DatasetDefinition definition(String table, String... key) {
        return new DatasetDefinition(table, Arrays.asList(key), null, null, null);
    }

    private static Dataset load(String name, DatasetDefinition definition) {
        return load(new CatalogProperties(Map.of(name, definition))).dataset(name);
    }

    private static Catalog load(CatalogProperties properties) {
        return new CatalogLoader(database).load(properties).block(Duration.ofSeconds(30));
    }

    private static Column column(Dataset dataset, String name) {
        return dataset.column(name).orElseThrow();
    }

}
