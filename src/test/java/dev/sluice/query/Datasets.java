package dev.sluice.query;

import java.util.List;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import dev.sluice.catalog.JsonKind;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Hand-built datasets shaped like the test fixtures' tables, and a query-string
 * shorthand, for the unit tests.
 */
final class Datasets {

    static final Column ID = new Column("id", "bigint", "bigint", JsonKind.NUMBER, true);

    static final Column KIND = new Column("kind", "text", "text", JsonKind.STRING, true);

    static final Column AMOUNT = new Column("amount", "numeric(12,2)", "numeric", JsonKind.NUMBER, true);

    static final Column CREATED_AT = new Column("created_at", "timestamp with time zone", "timestamp with time zone",
            JsonKind.TIMESTAMP, true);

    static final Column FLAG = new Column("flag", "boolean", "boolean", JsonKind.BOOLEAN, true);

    static final Column PAYLOAD = new Column("payload", "jsonb", "jsonb", JsonKind.RAW_JSON, true);

    static final Column NOTE = new Column("note", "text", "text", JsonKind.STRING, true);

    static final Dataset EVENTS = new Dataset("events", "\"public\".\"events\"",
            List.of(ID, KIND, AMOUNT, CREATED_AT, FLAG, PAYLOAD, NOTE), List.of(ID), null);

    static final Column RESTRICTED_ID = new Column("id", "bigint", "bigint", JsonKind.NUMBER, false);

    static final Dataset RESTRICTED = new Dataset(
            "restricted", "\"public\".\"events\"", List.of(RESTRICTED_ID, KIND,
                    new Column("amount", "numeric(12,2)", "numeric", JsonKind.NUMBER, false), CREATED_AT),
            List.of(RESTRICTED_ID), null);

    static final Column TENANT = new Column("tenant", "text", "text", JsonKind.STRING, true);

    static final Column SEQ = new Column("seq", "integer", "integer", JsonKind.NUMBER, true);

    static final Column LABEL = new Column("label", "text", "text", JsonKind.STRING, true);

    static final Dataset PAIRS = new Dataset("pairs", "\"public\".\"pairs\"", List.of(TENANT, SEQ, LABEL),
            List.of(TENANT, SEQ), null);

    static final Column TYPE_ID = new Column("id", "integer", "integer", JsonKind.NUMBER, true);

    static final Dataset TYPES = new Dataset("types", "\"public\".\"type_samples\"",
            List.of(TYPE_ID, new Column("c_json", "json", "json", JsonKind.COMPUTED, true),
                    new Column("c_jsonb", "jsonb", "jsonb", JsonKind.RAW_JSON, true),
                    new Column("c_int_array", "integer[]", "integer[]", JsonKind.COMPUTED, true),
                    new Column("c_enum", "mood", "mood", JsonKind.STRING, true),
                    new Column("c_composite", "money_pair", "money_pair", JsonKind.COMPUTED, true),
                    new Column("c_domain", "positive_amount", "numeric", JsonKind.NUMBER, true)),
            List.of(TYPE_ID), null);

    private Datasets() {
    }

    static Dataset named(String name) {
        return switch (name) {
            case "events" -> EVENTS;
            case "restricted" -> RESTRICTED;
            case "pairs" -> PAIRS;
            case "types" -> TYPES;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Parses a query string as the server has decoded it: parameters split at '&', names
     * at the first '='.
     */
    static Selection parse(Dataset dataset, String query) {
        return QueryParser.parse(dataset, parameters(query));
    }

    static MultiValueMap<String, String> parameters(String query) {
        MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
        if (!query.isEmpty()) {
            for (String parameter : query.split("&")) {
                int equals = parameter.indexOf('=');
                parameters.add(parameter.substring(0, equals), parameter.substring(equals + 1));
            }
        }
        return parameters;
    }

}
