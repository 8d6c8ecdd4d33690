package dev.sluice;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key order check that export tests rely on, judged by PostgreSQL. */
class KeyOrderIntegrationTests {

    @Test
    void rowsInKeyOrderPass() {
        assertThatCode(() -> KeyOrder.assertAscending(bytes("{\"id\":1}\n{\"id\":2}\n{\"id\":10}\n"), "ndjson",
                List.of("id"), List.of("integer")))
            .doesNotThrowAnyException();
    }

    @Test
    void aRowOutOfPlaceOrTwiceFails() {
        assertThatThrownBy(() -> KeyOrder.assertAscending(bytes("{\"id\":1}\n{\"id\":10}\n{\"id\":2}\n"), "ndjson",
                List.of("id"), List.of("integer")))
            .hasMessageContaining("record 3");
        assertThatThrownBy(() -> KeyOrder.assertAscending(bytes("[{\"id\":1},{\"id\":1}]"), "json", List.of("id"),
                List.of("bigint")))
            .hasMessageContaining("record 2");
    }

    @Test
    void compositeKeysCompareAsPostgreSqlDoesColumnByColumn() {
        String csv = "tenant,seq,label\r\nacme,2,x\r\nacme,10,y\r\n\"a,b\",1,z\r\n";
        assertThatThrownBy(
                () -> KeyOrder.assertAscending(bytes(csv), "csv", List.of("tenant", "seq"), List.of("text", "integer")))
            .hasMessageContaining("record 3");
        String sorted = "tenant,seq\r\n\"a,b\",1\r\nacme,2\r\nacme,10\r\n";
        assertThatCode(() -> KeyOrder.assertAscending(bytes(sorted), "csv", List.of("tenant", "seq"),
                List.of("text", "integer")))
            .doesNotThrowAnyException();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
