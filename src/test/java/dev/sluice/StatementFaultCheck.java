package dev.sluice;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if PostgreSQL refused one of Sluice's own statements while it ran,
 * whatever the test asserted: such SQL is a bug (often one that needs a newer PostgreSQL
 * than the suite's), never an answer for a client. Registered for every test class
 * through the JUnit extension service file.
 */
public class StatementFaultCheck implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        if (!StatementFaultRecorder.faults.isEmpty()) {
            String first = StatementFaultRecorder.faults.get(0);
            int count = StatementFaultRecorder.faults.size();
            StatementFaultRecorder.faults.clear();
            throw new AssertionError(count + " statement(s) of Sluice's own refused by PostgreSQL while "
                    + context.getDisplayName() + " ran. First:\n" + first);
        }
    }

}
