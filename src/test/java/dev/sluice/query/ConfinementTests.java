package dev.sluice.query;

import org.junit.jupiter.api.Test;

import static dev.sluice.query.Datasets.PAIRS;
import static dev.sluice.query.Datasets.TENANT;
import static dev.sluice.query.Datasets.parse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A confined selection's SQL: the tenant predicate comes first, as a bind parameter,
 * ANDed with the client's own conditions, and survives resuming; its value is checked
 * like any other client value.
 */
class ConfinementTests {

    @Test
    void thePredicateIsBoundAndAndedWithTheClientsConditions() {
        Selection selection = parse(PAIRS, "tenant=neq.acme&seq=gt.3&after=zeta,1&limit=5")
            .confined(new Confinement(TENANT, "acme"));
        SqlQuery query = SqlBuilder.rows(selection, true);
        assertThat(query.sql()).isEqualTo("SELECT \"tenant\", \"seq\", \"label\" FROM \"public\".\"pairs\""
                + " WHERE \"tenant\" = CAST($1 AS text) AND \"tenant\" <> CAST($2 AS text)"
                + " AND \"seq\" > CAST($3 AS integer) AND (\"tenant\", \"seq\") > (CAST($4 AS text), CAST($5 AS integer))"
                + " ORDER BY \"tenant\" ASC, \"seq\" ASC LIMIT $6");
        assertThat(query.bindings()).containsExactly("acme", "acme", "3", "zeta", "1", 5L);
    }

    @Test
    void aValueThatLooksLikeSqlStaysAValue() {
        Selection selection = parse(PAIRS, "").confined(new Confinement(TENANT, "x' OR '1'='1"));
        SqlQuery query = SqlBuilder.rows(selection, false);
        assertThat(query.sql()).doesNotContain("'").contains("\"tenant\" = CAST($1 AS text)");
        assertThat(query.bindings()).containsExactly("x' OR '1'='1");
    }

    @Test
    void aResumedSelectionStaysConfined() {
        Selection selection = parse(PAIRS, "").confined(new Confinement(TENANT, "acme"));
        Selection resumed = selection.resumed(java.util.List.of("acme", "7"), 7);
        assertThat(resumed.confinement()).isEqualTo(new Confinement(TENANT, "acme"));
        assertThat(SqlBuilder.rows(resumed, false).sql()).startsWith(
                "SELECT \"tenant\", \"seq\", \"label\" FROM \"public\".\"pairs\" WHERE \"tenant\" = CAST($1 AS text) AND");
    }

    @Test
    void theTenantsValueIsCheckedAgainstTheColumnsType() {
        Selection selection = parse(PAIRS, "seq=gt.1").confined(new Confinement(TENANT, "acme"));
        assertThat(SqlBuilder.typedValues(selection)).first()
            .isEqualTo(new TypedValue("acme", "text", "tenant", "the caller's tenant (column tenant)"));
    }

}
