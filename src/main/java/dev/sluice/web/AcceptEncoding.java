package dev.sluice.web;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Picks a response's content coding from Accept-Encoding (RFC 9110 §12.5.3). A coding's
 * weight is its own entry's q, else that of {@code *}, else it is not acceptable;
 * {@code q=0} refuses. Identity wins when its weight is higher than every offered
 * coding's; unlisted it is acceptable but least preferred, unless {@code *;q=0} refuses
 * it. When nothing at all is acceptable the response is sent as it is (identity), as
 * §12.5.3 allows, rather than refused with 406 after the request has been validated and
 * the work begun.
 */
final class AcceptEncoding {

    private static final Pattern QVALUE = Pattern.compile("0(\\.\\d{0,3})?|1(\\.0{0,3})?");

    private static final String IDENTITY = "identity";

    private static final String ANY = "*";

    private AcceptEncoding() {
    }

    /**
     * The coding to send, or empty for identity.
     * @param headers the Accept-Encoding header's values (empty if there is none)
     */
    static Optional<ContentCoding> choose(List<String> headers) {
        if (headers.isEmpty()) {
            // No header: any coding is allowed, but a client that says nothing is
            // unlikely to decode one.
            return Optional.empty();
        }
        Map<String, Double> weights = weights(headers);
        Double any = weights.get(ANY);
        ContentCoding best = null;
        double bestWeight = 0;
        for (ContentCoding coding : ContentCoding.values()) {
            double weight = weights.getOrDefault(coding.token(), (any != null) ? any : 0.0);
            if (weight > bestWeight) {
                best = coding;
                bestWeight = weight;
            }
        }
        Double identity = weights.get(IDENTITY);
        if (best == null || (identity != null && identity > bestWeight)) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    // Coding (lower case) to weight; an entry with a malformed q is ignored.
    private static Map<String, Double> weights(List<String> headers) {
        Map<String, Double> weights = new HashMap<>();
        for (String header : headers) {
            for (String entry : header.split(",")) {
                String[] parts = entry.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                if (coding.isEmpty()) {
                    continue;
                }
                Double weight = 1.0;
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].trim();
                    if (parameter.regionMatches(true, 0, "q=", 0, 2)) {
                        String value = parameter.substring(2).trim();
                        weight = QVALUE.matcher(value).matches() ? Double.valueOf(value) : null;
                    }
                }
                if (weight != null) {
                    weights.putIfAbsent(coding, weight);
                }
            }
        }
        return weights;
    }

}
