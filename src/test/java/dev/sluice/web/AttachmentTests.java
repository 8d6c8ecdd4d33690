package dev.sluice.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class AttachmentTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            events.ndjson     | attachment; filename="events.ndjson"
            pairs.csv.gz      | attachment; filename="pairs.csv.gz"
            a"b\\c.csv        | attachment; filename="a\\"b_c.csv"
            ../x.json         | attachment; filename=".._x.json"
            zürich.csv        | attachment; filename="z_rich.csv"; filename*=UTF-8''z%C3%BCrich.csv
            a b;c.json        | attachment; filename="a b;c.json"
            """)
    void namesAreQuotedEscapedAndEncoded(String name, String header) {
        assertThat(Attachment.header(name)).isEqualTo(header);
    }

}
