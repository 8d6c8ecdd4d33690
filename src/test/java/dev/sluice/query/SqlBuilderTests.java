package dev.sluice.query;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import dev.sluice.catalog.JsonKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.sluice.query.Datasets.EVENTS;
import static dev.sluice.query.Datasets.PAIRS;
import static dev.sluice.query.Datasets.TYPES;
import static dev.sluice.query.Datasets.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The SQL a selection becomes: catalog identifiers, quoted, and every client value as a
 * bind parameter.
 */
class SqlBuilderTests {

    private static final String EVENTS_COLUMNS = "\"id\", \"kind\", \"amount\", \"created_at\", \"flag\", \"payload\", "
            + "\"note\"";

    @Test
    void everyColumnInKeyOrder() {
        SqlQuery query = rows(EVENTS, "");
        assertThat(query.sql())
            .isEqualTo("SELECT " + EVENTS_COLUMNS + " FROM \"public\".\"events\" ORDER BY \"id\" ASC");
        assertThat(query.bindings()).isEmpty();
    }

    @Test
    void selectedColumnsFiltersAndLimit() {
        SqlQuery query = rows(EVENTS, "select=kind,id&kind=eq.refund&amount=gt.100&limit=10");
        assertThat(query.sql()).isEqualTo("SELECT \"id\", \"kind\" FROM \"public\".\"events\""
                + " WHERE \"kind\" = CAST($1 AS text) AND \"amount\" > CAST($2 AS numeric)"
                + " ORDER BY \"id\" ASC LIMIT $3");
        assertThat(query.bindings()).containsExactly("refund", "100", 10L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            amount=eq.5          | "amount" = CAST($1 AS numeric)
            amount=neq.5         | "amount" <> CAST($1 AS numeric)
            amount=gt.5          | "amount" > CAST($1 AS numeric)
            amount=gte.5         | "amount" >= CAST($1 AS numeric)
            amount=lt.5          | "amount" < CAST($1 AS numeric)
            amount=lte.5         | "amount" <= CAST($1 AS numeric)
            amount=not.eq.5      | NOT ("amount" = CAST($1 AS numeric))
            created_at=lt.5      | "created_at" < CAST($1 AS timestamp with time zone)
            id=in.(5)            | "id" IN (CAST($1 AS bigint))
            kind=not.in.(5,"5,5") | NOT ("kind" IN (CAST($1 AS text), CAST($2 AS text)))
            kind=like.5*         | "kind" LIKE $1
            note=not.like.*5     | NOT ("note" LIKE $1)
            """)
    void conditions(String filter, String condition) {
        SqlQuery query = rows(EVENTS, "select=id&" + filter);
        assertThat(query.sql())
            .isEqualTo("SELECT \"id\" FROM \"public\".\"events\" WHERE " + condition + " ORDER BY \"id\" ASC");
        assertThat(query.bindings()).isNotEmpty().allSatisfy((value) -> assertThat((String) value).contains("5"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            flag=is.null         | "flag" IS NULL
            flag=is.true         | "flag" IS TRUE
            flag=not.is.false    | NOT ("flag" IS FALSE)
            id=in.()             | FALSE
            id=not.in.()         | NOT (FALSE)
            """)
    void conditionsWithoutValues(String filter, String condition) {
        SqlQuery query = rows(EVENTS, "select=id&" + filter);
        assertThat(query.sql())
            .isEqualTo("SELECT \"id\" FROM \"public\".\"events\" WHERE " + condition + " ORDER BY \"id\" ASC");
        assertThat(query.bindings()).isEmpty();
    }

    @Test
    void likeValuesAreBoundWithPercentForStar() {
        assertThat(rows(EVENTS, "note=like.*\"1*").bindings()).containsExactly("%\"1%");
    }

    @Test
    void orderWithDirectionsNullsAndTheKey() {
        SqlQuery query = rows(EVENTS, "select=id&order=amount.desc.nullslast,kind,created_at.asc.nullsfirst");
        assertThat(query.sql()).isEqualTo("SELECT \"id\" FROM \"public\".\"events\""
                + " ORDER BY \"amount\" DESC NULLS LAST, \"kind\" ASC, \"created_at\" ASC NULLS FIRST, \"id\" ASC");
    }

    @Test
    void afterIsARowComparisonAlongTheKey() {
        SqlQuery query = rows(EVENTS, "select=id&after=990");
        assertThat(query.sql()).isEqualTo("SELECT \"id\" FROM \"public\".\"events\""
                + " WHERE (\"id\") > (CAST($1 AS bigint)) ORDER BY \"id\" ASC");
        assertThat(query.bindings()).containsExactly("990");
    }

    @Test
    void afterAlongADescendingKeyComparesWithLessThan() {
        SqlQuery query = rows(EVENTS, "select=id&order=id.desc&after=10");
        assertThat(query.sql()).isEqualTo("SELECT \"id\" FROM \"public\".\"events\""
                + " WHERE (\"id\") < (CAST($1 AS bigint)) ORDER BY \"id\" DESC");
        assertThat(query.bindings()).containsExactly("10");
    }

    @Test
    void afterACompositeKeyCastsEachValueToItsColumnsType() {
        SqlQuery query = rows(PAIRS, "after=\"a,b\",3");
        assertThat(query.sql()).isEqualTo("SELECT \"tenant\", \"seq\", \"label\" FROM \"public\".\"pairs\""
                + " WHERE (\"tenant\", \"seq\") > (CAST($1 AS text), CAST($2 AS integer))"
                + " ORDER BY \"tenant\" ASC, \"seq\" ASC");
        assertThat(query.bindings()).containsExactly("a,b", "3");
    }

    @Test
    void bindingsFollowFiltersThenAfterThenLimit() {
        SqlQuery query = rows(EVENTS, "select=id&limit=5&after=500&kind=eq.signup&id=in.(7,8)");
        assertThat(query.sql()).isEqualTo("SELECT \"id\" FROM \"public\".\"events\""
                + " WHERE \"kind\" = CAST($1 AS text) AND \"id\" IN (CAST($2 AS bigint), CAST($3 AS bigint))"
                + " AND (\"id\") > (CAST($4 AS bigint)) ORDER BY \"id\" ASC LIMIT $5");
        assertThat(query.bindings()).containsExactly("signup", "7", "8", "500", 5L);
    }

    @Test
    void limitZeroIsBoundToo() {
        SqlQuery query = rows(EVENTS, "select=id&limit=0");
        assertThat(query.sql()).endsWith(" ORDER BY \"id\" ASC LIMIT $1");
        assertThat(query.bindings()).containsExactly(0L);
    }

    @Test
    void computedColumnsAreSelectedAsJsonbForJson() {
        Selection selection = parse(TYPES, "");
        assertThat(SqlBuilder.rows(selection, true).sql()).isEqualTo("SELECT \"id\", pg_catalog.to_jsonb(\"c_json\"),"
                + " \"c_jsonb\", pg_catalog.to_jsonb(\"c_int_array\"), \"c_enum\","
                + " pg_catalog.to_jsonb(\"c_composite\"), \"c_domain\" FROM \"public\".\"type_samples\""
                + " ORDER BY \"id\" ASC");
        assertThat(SqlBuilder.rows(selection, false).sql()).isEqualTo("SELECT \"id\", \"c_json\", \"c_jsonb\","
                + " \"c_int_array\", \"c_enum\", \"c_composite\", \"c_domain\" FROM \"public\".\"type_samples\""
                + " ORDER BY \"id\" ASC");
    }

    @Test
    void domainValuesAreCastToTheBaseType() {
        assertThat(rows(TYPES, "select=id&c_domain=gt.1").sql()).contains("\"c_domain\" > CAST($1 AS numeric)");
    }

    @Test
    void typedValuesAreFilterAndAfterValuesButNotLikeOrIs() {
        List<TypedValue> values = SqlBuilder
            .typedValues(parse(EVENTS, "id=in.(1,2)&kind=eq.x&note=like.a*&flag=is.null&amount=not.gt.5&after=7"));
        assertThat(values).containsExactly(new TypedValue("1", "bigint", "id", "filter id=in.1,2"),
                new TypedValue("2", "bigint", "id", "filter id=in.1,2"),
                new TypedValue("x", "text", "kind", "filter kind=eq.x"),
                new TypedValue("5", "numeric", "amount", "filter amount=not.gt.5"),
                new TypedValue("7", "bigint", "after", "after (key column id)"));
    }

    @Test
    void typedValuesOfACompositeAfterNameEachKeyColumn() {
        assertThat(SqlBuilder.typedValues(parse(PAIRS, "after=acme,3"))).containsExactly(
                new TypedValue("acme", "text", "after", "after (key column tenant)"),
                new TypedValue("3", "integer", "after", "after (key column seq)"));
    }

    @Test
    void checkCastsEachValueToItsType() {
        SqlQuery check = SqlBuilder.check(List.of(new TypedValue("1", "bigint", "id", "filter id=eq.1"),
                new TypedValue("2024-01-01", "timestamp with time zone", "created_at", "filter created_at=gt.2024"),
                new TypedValue("'; DROP TABLE events; --", "text", "kind", "filter kind=eq.'; DROP")));
        assertThat(check.sql()).isEqualTo("SELECT CAST($1 AS bigint) IS NULL,"
                + " CAST($2 AS timestamp with time zone) IS NULL, CAST($3 AS text) IS NULL");
        assertThat(check.bindings()).containsExactly("1", "2024-01-01", "'; DROP TABLE events; --");
    }

    @Test
    void catalogIdentifiersAreQuotedWithDoubledQuotes() {
        Column odd = new Column("we\"ird", "text", "text", JsonKind.STRING, true);
        Dataset dataset = new Dataset("odd", "\"odd schema\".\"Ta\"\"ble\"", List.of(odd), List.of(odd), null);
        SqlQuery query = rows(dataset, "we\"ird=eq.x&order=we\"ird.desc");
        assertThat(query.sql()).isEqualTo("SELECT \"we\"\"ird\" FROM \"odd schema\".\"Ta\"\"ble\""
                + " WHERE \"we\"\"ird\" = CAST($1 AS text) ORDER BY \"we\"\"ird\" DESC");
    }

    static Stream<String> hostileValues() {
        return Stream.of("'; DROP TABLE events; --", "$1", "\"", "\"\"", "\\", "back\\slash\\'", "new\nline",
                "x' OR '1'='1", ") OR TRUE --", "a\u0000b", "E'\\x27'", "-- comment", "ünïcödé 😀");
    }

    @ParameterizedTest
    @MethodSource("hostileValues")
    void clientInputNeverBecomesSqlText(String value) {
        String quoted = quoted(value);
        String events = "select=id&kind=eq.%s&note=not.like.%s&created_at=in.(%s,%s)&after=%s&limit=3";
        SqlQuery hostile = rows(EVENTS, events.formatted(value, value, quoted, quoted, quoted));
        SqlQuery benign = rows(EVENTS, events.formatted("x", "x", "x", "x", "1"));
        assertThat(hostile.sql()).isEqualTo(benign.sql());
        assertThat(hostile.bindings()).containsExactly(value, value, value, value, value, 3L);
        assertOnlyIdentifiersAndPlaceholders(hostile.sql());

        SqlQuery hostilePairs = rows(PAIRS, "after=" + quoted + "," + quoted);
        assertThat(hostilePairs.sql()).isEqualTo(rows(PAIRS, "after=x,1").sql());
        assertThat(hostilePairs.bindings()).containsExactly(value, value);
        assertOnlyIdentifiersAndPlaceholders(hostilePairs.sql());

        SqlQuery check = SqlBuilder.check(SqlBuilder.typedValues(parse(EVENTS, "kind=eq." + value)));
        assertThat(check.sql()).isEqualTo("SELECT CAST($1 AS text) IS NULL");
        assertThat(check.bindings()).containsExactly(value);
        // A placeholder or an identifier's quotes are text the builder writes itself; the
        // equality above covers them.
        if (!Set.of("$1", "\"", "\"\"").contains(value)) {
            assertThat(hostile.sql()).doesNotContain(value);
            assertThat(check.sql()).doesNotContain(value);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            "kind"
            kind"
            Kind
            kind; DROP TABLE events; --
            kind) OR TRUE --
            pg_catalog.to_jsonb(kind)
            1
            $1
            ~kind\\~
            """)
    void hostileColumnNamesAreRejected(String name) {
        assertRejected("select=" + name, "select");
        assertRejected(name + "=eq.x", name);
        assertRejected("order=" + name + ".desc", "order");
    }

    private static void assertRejected(String query, String parameter) {
        assertThatExceptionOfType(BadQueryException.class).isThrownBy(() -> rows(EVENTS, query)).satisfies((ex) -> {
            assertThat(ex.getBody().getProperties()).containsEntry("parameter", parameter);
            assertThat(ex.getBody().getDetail()).contains("Dataset 'events' has no column");
        });
    }

    private static SqlQuery rows(Dataset dataset, String query) {
        return SqlBuilder.rows(parse(dataset, query), true);
    }

    /**
     * A value in the list syntax of in and after: in double quotes, with backslash
     * escapes.
     */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Fails unless the SQL, without its quoted identifiers, is keywords, placeholders and
     * punctuation.
     */
    private static void assertOnlyIdentifiersAndPlaceholders(String sql) {
        String withoutIdentifiers = sql.replaceAll("\"(?:[^\"]|\"\")*\"", "\"\"");
        assertThat(withoutIdentifiers).matches("[A-Za-z_ $0-9(),.<>=\"]*");
        assertThat(withoutIdentifiers.replaceAll("\\$[0-9]+", "")).doesNotContain("$");
    }

}
