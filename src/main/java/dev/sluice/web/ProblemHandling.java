package dev.sluice.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Every error a client sees is an RFC 9457 problem: Spring's own exceptions and
 * {@code ErrorResponseException}s through the base class, anything unexpected as a 500
 * that says no more than it should.
 */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Log logger = LogFactory.getLog(ProblemHandling.class);

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> unexpected(Exception ex, ServerWebExchange exchange) {
        if (exchange.getResponse().isCommitted()) {
            // Too late for a problem: the error must reach the connection, which then
            // closes without a clean end.
            return Mono.error(ex);
        }
        if (!Responses.isOpen(exchange.getResponse())) {
            // The client went away before anything was sent: nobody to answer, nothing
            // unexpected.
            logger.debug("Client gone before the response on " + exchange.getRequest().getPath(), ex);
            return Mono.error(ex);
        }
        logger.error("Unexpected error on " + exchange.getRequest().getPath(), ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The server failed to handle this request; the error is in its log.");
        problem.setTitle("Internal error");
        return handleExceptionInternal(ex, problem, null, HttpStatus.INTERNAL_SERVER_ERROR, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        UnrecognizedPropertyException unknown = unknownField(ex);
        if (unknown == null) {
            return super.handleServerWebInputException(ex, headers, status, exchange);
        }
        String pointer = pointer(unknown);
        ProblemDetail problem = ProblemDetail
            .forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "Unknown field '" + unknown.getPropertyName() + "' at " + pointer + "; the fields there are "
                            + String.join(", ",
                                    unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList())
                            + ".");
        problem.setTitle("Unknown field");
        problem.setProperty("pointer", pointer);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    private static @Nullable UnrecognizedPropertyException unknownField(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                return unknown;
            }
        }
        return null;
    }

    // A JSON pointer (RFC 6901) to the unknown field, as the other request problems give.
    private static String pointer(JacksonException ex) {
        StringBuilder pointer = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            pointer.append('/');
            String name = reference.getPropertyName();
            pointer.append(
                    (name != null) ? name.replace("~", "~0").replace("/", "~1") : String.valueOf(reference.getIndex()));
        }
        return pointer.toString();
    }

}
