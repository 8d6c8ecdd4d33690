package dev.sluice.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptEncodingTests {

    @Test
    void severalHeaderLinesCountAsOneList() {
        assertThat(AcceptEncoding.choose(List.of("identity;q=0.5", "gzip"))).contains(ContentCoding.GZIP);
        assertThat(AcceptEncoding.choose(List.of("gzip;q=0.5", "identity"))).isEmpty();
    }

    @Test
    void aMalformedWeightIgnoresItsEntry() {
        assertThat(AcceptEncoding.choose(List.of("gzip;q=high"))).isEmpty();
        assertThat(AcceptEncoding.choose(List.of("gzip;q=high, *;q=0.3"))).contains(ContentCoding.GZIP);
    }

    @Test
    void anEmptyHeaderAllowsOnlyIdentity() {
        assertThat(AcceptEncoding.choose(List.of(""))).isEmpty();
    }

}
