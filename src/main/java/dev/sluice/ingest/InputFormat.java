package dev.sluice.ingest;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;

/** The formats a body may come in, by Content-Type. */
enum InputFormat {

    /** One JSON object per line, values as {@code to_jsonb()} writes them. */
    NDJSON("ndjson", MediaType.APPLICATION_NDJSON),

    /**
     * RFC 4180 with a header row, values in PostgreSQL's text form, NULL unquoted empty.
     */
    CSV("csv", new MediaType("text", "csv"));

    private final String token;

    private final MediaType mediaType;

    InputFormat(String token, MediaType mediaType) {
        this.token = token;
        this.mediaType = mediaType;
    }

    String token() {
        return this.token;
    }

    MediaType mediaType() {
        return this.mediaType;
    }

    static @Nullable InputFormat of(MediaType contentType) {
        for (InputFormat format : values()) {
            if (format.mediaType.equalsTypeAndSubtype(contentType)) {
                return format;
            }
        }
        return null;
    }

}
