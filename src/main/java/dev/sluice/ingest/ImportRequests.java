package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;

/** Reads an import's options from its query parameters and headers. */
final class ImportRequests {

    private static final Set<String> PARAMETERS = Set.of("mode", "onError", "maxErrors", "dryRun");

    private ImportRequests() {
    }

    static ImportOptions options(MultiValueMap<String, String> parameters, HttpHeaders headers) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (!PARAMETERS.contains(parameter.getKey())) {
                throw BadImportException.parameter(parameter.getKey(), "'" + parameter.getKey()
                        + "' is not a parameter of an import; there are mode, onError, maxErrors and dryRun.");
            }
            if (parameter.getValue().size() > 1) {
                throw BadImportException.parameter(parameter.getKey(),
                        "'" + parameter.getKey() + "' is given " + parameter.getValue().size() + " times.");
            }
        }
        boolean upsert = choice(parameters, "mode", "insert", "upsert");
        boolean skip = choice(parameters, "onError", "abort", "skip");
        boolean dryRun = choice(parameters, "dryRun", "false", "true");
        String maxErrors = parameters.getFirst("maxErrors");
        long tolerated = Long.MAX_VALUE;
        if (maxErrors != null) {
            if (!skip) {
                throw BadImportException.parameter("maxErrors", "maxErrors applies only with onError=skip.");
            }
            tolerated = wholeNumber(maxErrors);
        }
        return new ImportOptions(format(headers), upsert, skip, tolerated, dryRun);
    }

    /** Whether the body is gzip; 415 for an encoding other than gzip or identity. */
    static boolean gzip(HttpHeaders headers) {
        List<String> encodings = headers.getOrEmpty(HttpHeaders.CONTENT_ENCODING);
        if (encodings.isEmpty() || (encodings.size() == 1 && encodings.get(0).trim().equalsIgnoreCase("identity"))) {
            return false;
        }
        if (encodings.size() == 1 && encodings.get(0).trim().equalsIgnoreCase("gzip")) {
            return true;
        }
        throw new BadImportException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content encoding",
                "Content-Encoding " + String.join(", ", encodings) + " is not supported; send gzip or no encoding.");
    }

    private static InputFormat format(HttpHeaders headers) {
        MediaType type = null;
        try {
            type = headers.getContentType();
        }
        catch (InvalidMediaTypeException ex) {
            // reported below like a missing type
        }
        InputFormat format = (type != null) ? InputFormat.of(type) : null;
        if (type == null || format == null) {
            throw new BadImportException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Rows are imported from application/x-ndjson or text/csv (with a header row); the request's "
                            + "Content-Type is " + ((type != null) ? type : "missing or invalid") + ".");
        }
        if (type.getCharset() != null && !type.getCharset().equals(StandardCharsets.UTF_8)) {
            throw new BadImportException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported charset",
                    "Bodies must be UTF-8, not " + type.getCharset() + ".");
        }
        return format;
    }

    private static boolean choice(MultiValueMap<String, String> parameters, String name, String first, String second) {
        @Nullable String value = parameters.getFirst(name);
        if (value == null || value.equals(first)) {
            return false;
        }
        if (value.equals(second)) {
            return true;
        }
        throw BadImportException.parameter(name,
                "'" + name + "' takes " + first + " (the default) or " + second + ", not '" + value + "'.");
    }

    private static long wholeNumber(String text) {
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        throw BadImportException.parameter("maxErrors", "'maxErrors' takes a whole number, not '" + text + "'.");
    }

}
