package dev.sluice.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

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

}
