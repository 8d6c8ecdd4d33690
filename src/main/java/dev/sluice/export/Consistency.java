package dev.sluice.export;

import java.util.Arrays;
import java.util.Optional;

/** Whether an export's parts read one snapshot of the database, by request name. */
enum Consistency {

    /**
     * Every part reads the same snapshot; a job whose snapshot is lost starts over from a
     * new one.
     */
    SNAPSHOT("snapshot"),

    /**
     * Each part reads the database as it is when the part starts (or resumes from a
     * checkpoint).
     */
    NONE("none");

    private final String parameter;

    Consistency(String parameter) {
        this.parameter = parameter;
    }

    String parameter() {
        return this.parameter;
    }

    static Optional<Consistency> ofParameter(String parameter) {
        return Arrays.stream(values()).filter((value) -> value.parameter.equals(parameter)).findFirst();
    }

}
