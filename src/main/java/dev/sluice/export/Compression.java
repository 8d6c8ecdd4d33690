package dev.sluice.export;

import java.util.Arrays;
import java.util.Optional;

/** How export files are compressed, by request name. */
enum Compression {

    NONE("none", ""), GZIP("gzip", ".gz");

    private final String parameter;

    private final String suffix;

    Compression(String parameter, String suffix) {
        this.parameter = parameter;
        this.suffix = suffix;
    }

    String parameter() {
        return this.parameter;
    }

    /** What a file's name ends with. */
    String suffix() {
        return this.suffix;
    }

    static Optional<Compression> ofParameter(String parameter) {
        return Arrays.stream(values()).filter((value) -> value.parameter.equals(parameter)).findFirst();
    }

}
