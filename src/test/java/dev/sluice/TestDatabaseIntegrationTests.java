package dev.sluice;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite runs on the PostgreSQL the build asked for, so a run per version tests that
 * version.
 */
class TestDatabaseIntegrationTests {

    @Test
    void theServerIsTheMajorVersionTheBuildAskedFor() throws Exception {
        try (Connection connection = TestDatabase.shared().jdbc();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_setting('server_version_num')::int")) {
            result.next();
            assertThat(result.getInt(1) / 10000).isEqualTo(TestDatabase.majorVersion());
        }
    }

}
