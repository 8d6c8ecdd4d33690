package dev.sluice.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import dev.sluice.encode.Format;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;

/**
 * Picks the format: {@code ?format=} first, else the Accept header by quality, else
 * NDJSON.
 */
final class Negotiation {

    private static final String SUPPORTED = Arrays.stream(Format.values())
        .map((format) -> format.mediaType().getType() + "/" + format.mediaType().getSubtype())
        .collect(Collectors.joining(", "));

    private Negotiation() {
    }

    static Format format(ServerHttpRequest request) {
        String parameter = request.getQueryParams().getFirst("format");
        if (parameter != null) {
            return Format.ofParameter(parameter)
                .orElseThrow(() -> problem(HttpStatus.BAD_REQUEST, "Unknown format",
                        "format=" + parameter + " is not a format; use ndjson, csv or json."));
        }
        List<MediaType> accepted;
        try {
            accepted = new ArrayList<>(request.getHeaders().getAccept());
        }
        catch (InvalidMediaTypeException ex) {
            throw problem(HttpStatus.BAD_REQUEST, "Invalid Accept header", ex.getMessage());
        }
        // Stable: equal qualities keep the client's order.
        accepted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        return Format.negotiate(accepted)
            .orElseThrow(() -> problem(HttpStatus.NOT_ACCEPTABLE, "Not acceptable",
                    "Rows stream as " + SUPPORTED + "; the Accept header allows none of them."));
    }

    private static ErrorResponseException problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }

}
