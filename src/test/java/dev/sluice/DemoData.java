package dev.sluice;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo dataset, shaped like a real event log: a bigint key, an integer, a
 * timestamptz, a short text, a numeric(12,2), a boolean, a small jsonb object and a
 * nullable text with quotes and non-ASCII characters. The demo application and the
 * benchmark both use it.
 */
public final class DemoData {

    public static final String TABLE = "demo_events";

    private DemoData() {
    }

    /** Creates {@code demo_events} with {@code rows} rows, unless it already has them. */
    public static void create(TestDatabase database, long rows) {
        try (Connection connection = database.jdbc(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS demo_events (
                        id bigint PRIMARY KEY,
                        user_id integer NOT NULL,
                        occurred_at timestamptz NOT NULL,
                        kind text NOT NULL,
                        amount numeric(12, 2) NOT NULL,
                        success boolean NOT NULL,
                        attributes jsonb NOT NULL,
                        comment text
                    )""");
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO demo_events
                    SELECT g,
                           (g * 7919) % 100000,
                           timestamptz '2025-01-01 00:00:00+00' + g * interval '250 milliseconds',
                           (ARRAY['page_view', 'click', 'purchase', 'refund', 'signup'])[1 + g % 5],
                           ((g * 104729) % 10000000) / 100.0,
                           g % 10 <> 0,
                           jsonb_build_object('device', (ARRAY['ios', 'android', 'web'])[1 + g % 3],
                                              'session', g / 20, 'ab', g % 2 = 0),
                           CASE WHEN g % 4 = 0 THEN NULL
                                ELSE 'Kunde "' || (g % 997) || '" sagt: schön, ça va'
                           END
                    FROM generate_series((SELECT coalesce(max(id), 0) + 1 FROM demo_events), ?) g""")) {
                insert.setLong(1, rows);
                insert.executeUpdate();
            }
            statement.execute("VACUUM ANALYZE demo_events");
        }
        catch (SQLException ex) {
            throw new IllegalStateException("Could not create the demo dataset", ex);
        }
    }

}
