package dev.sluice.stream;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Bad requests get an RFC 9457 problem that names what is wrong, before any row is sent.
 */
@IntegrationTest
class ProblemsIntegrationTests {

    @Autowired
    WebTestClient client;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~',
            textBlock = """
                    /v1/datasets/nope/rows                                | 404 | There is no dataset named 'nope'
                    /v1/datasets/nope                                     | 404 | There is no dataset named 'nope'
                    /v1/datasets/events/rows?colour=eq.red                | 400 | has no column 'colour'
                    /v1/datasets/events/rows?select=id,colour             | 400 | has no column 'colour'
                    /v1/datasets/events/rows?select=id,id                 | 400 | names column 'id' twice
                    /v1/datasets/events/rows?select=                      | 400 | empty column name
                    /v1/datasets/events/rows?order=colour.desc            | 400 | has no column 'colour'
                    /v1/datasets/events/rows?order=id.sideways            | 400 | has no column 'id.sideways'
                    /v1/datasets/events/rows?kind=approx.refund           | 400 | has no known operator
                    /v1/datasets/events/rows?kind=eq                      | 400 | has no value after 'eq.'
                    /v1/datasets/events/rows?kind                         | 400 | has no known operator
                    /v1/datasets/events/rows?select                       | 400 | empty column name
                    /v1/datasets/events/rows?id=eq.abc                    | 400 | The value 'abc' in filter id=eq.abc is not a valid bigint
                    /v1/datasets/events/rows?id=in.(1,x,3)                | 400 | The value 'x' in filter id=in.1,x,3 is not a valid bigint
                    /v1/datasets/events/rows?id=in.1,2                    | 400 | 'in' takes a list in parentheses
                    /v1/datasets/events/rows?created_at=gt.yesterdayish   | 400 | is not a valid timestamp with time zone
                    /v1/datasets/events/rows?amount=gt.1e999999           | 400 | is not a valid numeric
                    /v1/datasets/events/rows?id=like.1*                   | 400 | 'like' applies to text columns
                    /v1/datasets/events/rows?kind=is.true                 | 400 | 'is.true' applies to boolean columns
                    /v1/datasets/events/rows?flag=is.maybe                | 400 | 'is' takes null, true or false
                    /v1/datasets/events/rows?limit=-1                     | 400 | 'limit' takes a whole number
                    /v1/datasets/events/rows?limit=ten                    | 400 | 'limit' takes a whole number
                    /v1/datasets/events/rows?limit=1&limit=2              | 400 | 'limit' is given 2 times
                    /v1/datasets/events/rows?after=abc                    | 400 | The value 'abc' in after (key column id) is not a valid bigint
                    /v1/datasets/events/rows?after=1,2                    | 400 | 'after' needs 1 value(s)
                    /v1/datasets/events/rows?after=5&order=kind           | 400 | cannot be combined with an order on other columns
                    /v1/datasets/pairs/rows?after=acme                    | 400 | 'after' needs 2 value(s)
                    /v1/datasets/pairs/rows?after="acme,3                 | 400 | has no closing quote
                    /v1/datasets/pairs/rows?after=acme,three              | 400 | is not a valid integer
                    /v1/datasets/restricted/rows?note=is.null             | 400 | has no column 'note'
                    /v1/datasets/restricted/rows?amount=gt.5              | 400 | Column 'amount' of dataset 'restricted' cannot be filtered
                    /v1/datasets/restricted/rows?order=amount             | 400 | cannot be ordered by
                    /v1/datasets/events/rows?format=xml                   | 400 | format=xml is not a format
                    """)
    void problems(String uri, int status, String detail) {
        this.client.get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isEqualTo(status)
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.status")
            .isEqualTo(status)
            .jsonPath("$.title")
            .isNotEmpty()
            .jsonPath("$.detail")
            .value(String.class, (text) -> org.assertj.core.api.Assertions.assertThat(text).contains(detail));
    }

    @ParameterizedTest
    @CsvSource({ "text/html", "application/xml, image/png" })
    void unsupportedAcceptIs406(String accept) {
        this.client.get()
            .uri("/v1/datasets/events/rows")
            .header(HttpHeaders.ACCEPT, accept)
            .exchange()
            .expectStatus()
            .isEqualTo(406)
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.detail")
            .value(String.class, (text) -> org.assertj.core.api.Assertions.assertThat(text)
                .contains("application/x-ndjson, text/csv, application/json"));
    }

}
