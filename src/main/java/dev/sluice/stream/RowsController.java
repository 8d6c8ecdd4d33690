package dev.sluice.stream;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Dataset;
import dev.sluice.encode.Format;
import dev.sluice.query.QueryParser;
import dev.sluice.query.Selection;
import dev.sluice.security.Action;
import dev.sluice.security.Caller;
import dev.sluice.web.Attachment;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GET /v1/datasets/{name}/rows}: the rows, streamed; {@code HEAD} checks the
 * request and answers with the same headers, without reading rows. Everything a client
 * can get wrong is checked before the response starts, so it is a problem, not a broken
 * stream; a failure after the first chunk aborts the connection.
 */
@RestController
class RowsController {

    private final Catalog catalog;

    private final RowStreamer streamer;

    RowsController(Catalog catalog, RowStreamer streamer) {
        this.catalog = catalog;
        this.streamer = streamer;
    }

    @GetMapping("/v1/datasets/{name}/rows")
    ResponseEntity<Flux<DataBuffer>> rows(@PathVariable String name, Caller caller, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        Dataset dataset = this.catalog.dataset(name);
        caller.require(dataset, Action.READ);
        Format format = Negotiation.format(request);
        Selection parsed = QueryParser.parse(dataset, request.getQueryParams());
        // The caller's tenant is ANDed with whatever the query says.
        Selection selection = caller.confinement(dataset).map(parsed::confined).orElse(parsed);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
            .contentType(format.mediaType())
            .header(HttpHeaders.CONTENT_DISPOSITION, Attachment.header(dataset.name() + "." + format.parameter()));
        if (request.getMethod() == HttpMethod.HEAD) {
            // The headers GET would send, checked the same way, without running the query
            // (WebFlux would run it and discard the rows).
            return ok.build();
        }
        return ok.body(this.streamer.stream(selection, format, exchange));
    }

}
