package dev.sluice.encode;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.http.MediaType;

/** The formats a dataset's rows stream in, by {@code ?format=} name and media type. */
public enum Format {

    NDJSON("ndjson", MediaType.APPLICATION_NDJSON),
    CSV("csv", MediaType.parseMediaType("text/csv;charset=utf-8;header=present")),
    JSON("json", MediaType.APPLICATION_JSON);

    private final String parameter;

    private final MediaType mediaType;

    Format(String parameter, MediaType mediaType) {
        this.parameter = parameter;
        this.mediaType = mediaType;
    }

    public String parameter() {
        return this.parameter;
    }

    public MediaType mediaType() {
        return this.mediaType;
    }

    public static Optional<Format> ofParameter(String parameter) {
        return Arrays.stream(values()).filter((format) -> format.parameter.equals(parameter)).findFirst();
    }

    /**
     * The first format the client accepts, taking the client's preference order; NDJSON
     * for {@code *}{@code /*}.
     */
    public static Optional<Format> negotiate(List<MediaType> accepted) {
        if (accepted.isEmpty()) {
            return Optional.of(NDJSON);
        }
        for (MediaType mediaType : accepted) {
            for (Format format : values()) {
                if (mediaType.isCompatibleWith(format.mediaType) && mediaType.getQualityValue() > 0) {
                    return Optional.of(format);
                }
            }
        }
        return Optional.empty();
    }

}
