package dev.sluice.query;

import java.util.List;

import dev.sluice.catalog.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static dev.sluice.query.Datasets.AMOUNT;
import static dev.sluice.query.Datasets.CREATED_AT;
import static dev.sluice.query.Datasets.EVENTS;
import static dev.sluice.query.Datasets.FLAG;
import static dev.sluice.query.Datasets.ID;
import static dev.sluice.query.Datasets.KIND;
import static dev.sluice.query.Datasets.LABEL;
import static dev.sluice.query.Datasets.NOTE;
import static dev.sluice.query.Datasets.PAIRS;
import static dev.sluice.query.Datasets.RESTRICTED;
import static dev.sluice.query.Datasets.SEQ;
import static dev.sluice.query.Datasets.TENANT;
import static dev.sluice.query.Datasets.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The selection language, parsed against hand-built datasets shaped like the test
 * fixtures.
 */
class QueryParserTests {

    @Test
    void noParametersSelectsEverythingInKeyOrder() {
        Selection selection = parse(EVENTS, "");
        assertThat(selection.dataset()).isSameAs(EVENTS);
        assertThat(selection.columns()).isEqualTo(EVENTS.columns());
        assertThat(selection.filters()).isEmpty();
        assertThat(selection.order()).containsExactly(new SortKey(ID, false, ""));
        assertThat(selection.limit()).isNull();
        assertThat(selection.after()).isEmpty();
    }

    @Test
    void selectStarSelectsEveryColumn() {
        assertThat(parse(EVENTS, "select=*").columns()).isEqualTo(EVENTS.columns());
    }

    @Test
    void selectSubsetKeepsTableOrder() {
        assertThat(parse(EVENTS, "select=note, id,kind").columns()).containsExactly(ID, KIND, NOTE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "eq, EQ", "neq, NEQ", "gt, GT", "gte, GTE", "lt, LT", "lte, LTE" })
    void comparisonOperators(String token, Operator operator) {
        Selection selection = parse(EVENTS, "amount=" + token + ".-12.5");
        assertThat(selection.filters()).containsExactly(new Filter(AMOUNT, operator, false, List.of("-12.5")));
    }

    @Test
    void notNegatesAnyOperator() {
        assertThat(parse(EVENTS, "amount=not.gte.5").filters())
            .containsExactly(new Filter(AMOUNT, Operator.GTE, true, List.of("5")));
    }

    @Test
    void valueIsEverythingAfterTheOperator() {
        assertThat(parse(EVENTS, "created_at=lt.2024-01-03T12:00:00.5+01:00").filters())
            .containsExactly(new Filter(CREATED_AT, Operator.LT, false, List.of("2024-01-03T12:00:00.5+01:00")));
    }

    @Test
    void inTakesQuotedValuesWithCommasAndEscapedQuotes() {
        Selection selection = parse(EVENTS, "kind=in.(\"a,b\",\"c\\\"d\",e,\"back\\\\slash\")");
        assertThat(selection.filters())
            .containsExactly(new Filter(KIND, Operator.IN, false, List.of("a,b", "c\"d", "e", "back\\slash")));
    }

    @Test
    void notIn() {
        assertThat(parse(EVENTS, "kind=not.in.(click,view)").filters())
            .containsExactly(new Filter(KIND, Operator.IN, true, List.of("click", "view")));
    }

    @Test
    void emptyInHasNoValues() {
        assertThat(parse(EVENTS, "id=in.()").filters()).containsExactly(new Filter(ID, Operator.IN, false, List.of()));
    }

    @Test
    void likeTurnsStarsIntoPercent() {
        assertThat(parse(EVENTS, "note=not.like.*\"1*").filters())
            .containsExactly(new Filter(NOTE, Operator.LIKE, true, List.of("%\"1%")));
    }

    @Test
    void isTakesNullOrABoolean() {
        assertThat(parse(EVENTS, "flag=is.true&note=not.is.null").filters()).containsExactly(
                new Filter(FLAG, Operator.IS, false, List.of("true")),
                new Filter(NOTE, Operator.IS, true, List.of("null")));
    }

    @Test
    void oneColumnCanHaveSeveralFilters() {
        assertThat(parse(EVENTS, "amount=gt.100&kind=eq.view&amount=lte.5000").filters()).containsExactly(
                new Filter(AMOUNT, Operator.GT, false, List.of("100")),
                new Filter(AMOUNT, Operator.LTE, false, List.of("5000")),
                new Filter(KIND, Operator.EQ, false, List.of("view")));
    }

    @Test
    void formatIsNotAFilter() {
        assertThat(parse(EVENTS, "format=csv").filters()).isEmpty();
    }

    @Test
    void orderTakesDirectionAndNullsAndEndsWithTheKey() {
        Selection selection = parse(EVENTS,
                "order=amount.desc.nullslast,kind,created_at.asc.nullsfirst,flag.nullslast");
        assertThat(selection.order()).containsExactly(new SortKey(AMOUNT, true, "NULLS LAST"),
                new SortKey(KIND, false, ""), new SortKey(CREATED_AT, false, "NULLS FIRST"),
                new SortKey(FLAG, false, "NULLS LAST"), new SortKey(ID, false, ""));
    }

    @Test
    void keyInTheOrderIsNotAppendedAgain() {
        assertThat(parse(EVENTS, "order=kind.desc,id.desc").order()).containsExactly(new SortKey(KIND, true, ""),
                new SortKey(ID, true, ""));
    }

    @Test
    void compositeKeyAppendsOnlyTheKeyColumnsNotInTheOrder() {
        assertThat(parse(PAIRS, "order=seq.desc").order()).containsExactly(new SortKey(SEQ, true, ""),
                new SortKey(TENANT, false, ""));
        assertThat(parse(PAIRS, "order=label").order()).containsExactly(new SortKey(LABEL, false, ""),
                new SortKey(TENANT, false, ""), new SortKey(SEQ, false, ""));
    }

    @Test
    void keyColumnsCanBeOrderedByEvenWhenNotFilterable() {
        assertThat(parse(RESTRICTED, "order=id.desc").order()).extracting(SortKey::descending).containsExactly(true);
    }

    @ParameterizedTest
    @CsvSource({ "0", "1", "25", "9223372036854775807" })
    void limit(long limit) {
        assertThat(parse(EVENTS, "limit=" + limit).limit()).isEqualTo(limit);
    }

    @Test
    void afterASingleKey() {
        Selection selection = parse(EVENTS, "after=990");
        assertThat(selection.after()).containsExactly("990");
        assertThat(selection.order()).containsExactly(new SortKey(ID, false, ""));
    }

    @Test
    void afterACompositeKeyTakesQuotedValues() {
        assertThat(parse(PAIRS, "after=\"a,b\",3").after()).containsExactly("a,b", "3");
        assertThat(parse(PAIRS, "after=\"\\\"q\\\"\",7").after()).containsExactly("\"q\"", "7");
    }

    @Test
    void afterWithTheKeyDescending() {
        Selection selection = parse(EVENTS, "order=id.desc&after=10");
        assertThat(selection.after()).containsExactly("10");
        assertThat(selection.order()).containsExactly(new SortKey(ID, true, ""));
    }

    @Test
    void afterWithACompositeKeyInKeyOrder() {
        assertThat(parse(PAIRS, "order=tenant&after=acme,3").order()).containsExactly(new SortKey(TENANT, false, ""),
                new SortKey(SEQ, false, ""));
        assertThat(parse(PAIRS, "order=tenant.desc,seq.desc&after=acme,3").order())
            .containsExactly(new SortKey(TENANT, true, ""), new SortKey(SEQ, true, ""));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            events     | select=id,colour                    | select | Dataset 'events' has no column 'colour'
            events     | select=id,,kind                     | select | 'select' has an empty column name
            events     | select=                             | select | 'select' has an empty column name
            events     | select=id,kind,id                   | select | 'select' names column 'id' twice
            events     | select=id&select=kind               | select | 'select' is given 2 times
            events     | colour=eq.red                       | colour | Dataset 'events' has no column 'colour'
            events     | kind=approx.refund                  | kind   | has no known operator
            events     | kind=                               | kind   | has no known operator
            events     | kind=not.refund                     | kind   | has no known operator
            events     | kind=eq                             | kind   | has no value after 'eq.'
            events     | kind=not.in                         | kind   | has no value after 'in.'
            events     | id=like.1*                          | id     | 'like' applies to text columns
            events     | kind=is.true                        | kind   | 'is.true' applies to boolean columns
            events     | flag=is.maybe                       | flag   | 'is' takes null, true or false, not 'maybe'
            events     | id=in.1,2                           | id     | 'in' takes a list in parentheses
            events     | id=in.(1,2                          | id     | 'in' takes a list in parentheses
            events     | kind=in.("a,b)                      | kind   | has no closing quote
            events     | kind=in.("a"b,c)                    | kind   | is followed by text
            events     | order=colour.desc                   | order  | Dataset 'events' has no column 'colour'
            events     | order=id.sideways                   | order  | has no column 'id.sideways'
            events     | order=kind,,id                      | order  | 'order' has an empty item
            events     | order=.desc                         | order  | 'order' has an empty item
            events     | order=kind,kind.desc                | order  | 'order' names column 'kind' twice
            events     | order=id&order=kind                 | order  | 'order' is given 2 times
            events     | limit=-1                            | limit  | rows, 0 or more; got '-1'
            events     | limit=ten                           | limit  | got 'ten'
            events     | limit=                              | limit  | 'limit' takes a whole number
            events     | limit=1.5                           | limit  | 'limit' takes a whole number
            events     | limit=99999999999999999999          | limit  | 'limit' takes a whole number
            events     | after=1,2                           | after  | needs 1 value(s), one per key column (id)
            events     | after="5                            | after  | has no closing quote
            events     | after=5&order=kind                  | after  | cannot be combined with an order on other
            events     | after=5&order=id.nullsfirst         | after  | cannot be combined with an order on other
            restricted | amount=gt.5                         | amount | 'restricted' cannot be filtered
            restricted | amount=gt.5                         | amount | Filterable columns: kind, created_at.
            restricted | id=eq.5                             | id     | 'id' of dataset 'restricted' cannot be filtered
            restricted | order=amount                        | order  | dataset 'restricted' cannot be ordered by
            restricted | note=is.null                        | note   | Dataset 'restricted' has no column 'note'
            restricted | note=is.null                        | note   | Its columns: id, kind, amount, created_at.
            pairs      | after=acme                          | after  | one per key column (tenant,seq)
            pairs      | after=acme,3&order=seq              | after  | cannot be combined with an order on other
            pairs      | after=acme,3&order=tenant.desc      | after  | cannot be combined with an order on other
            pairs      | after=acme,3&order=tenant,seq.desc  | after  | cannot be combined with an order on other
            pairs      | after=acme,3&order=tenant,seq,label | after  | cannot be combined with an order on other
            """)
    void badQueriesNameTheParameterAndTheProblem(String dataset, String query, String parameter, String detail) {
        assertBadQuery(Datasets.named(dataset), query, parameter, detail);
    }

    @Test
    void badQueryIsA400InvalidQueryProblem() {
        assertThatExceptionOfType(BadQueryException.class).isThrownBy(() -> parse(EVENTS, "limit=x"))
            .satisfies((ex) -> {
                assertThat(ex.getStatusCode().value()).isEqualTo(400);
                assertThat(ex.getBody().getStatus()).isEqualTo(400);
                assertThat(ex.getBody().getTitle()).isEqualTo("Invalid query");
            });
    }

    @Test
    void filterWithoutAValueIsABadQuery() {
        MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
        parameters.add("kind", null);
        assertThatExceptionOfType(BadQueryException.class).isThrownBy(() -> QueryParser.parse(EVENTS, parameters))
            .satisfies((ex) -> assertThat(ex.getBody().getProperties()).containsEntry("parameter", "kind"));
    }

    private static void assertBadQuery(Dataset dataset, String query, String parameter, String detail) {
        assertThatExceptionOfType(BadQueryException.class).isThrownBy(() -> parse(dataset, query)).satisfies((ex) -> {
            assertThat(ex.getBody().getProperties()).containsEntry("parameter", parameter);
            assertThat(ex.getBody().getDetail()).contains(detail);
        });
    }

}
