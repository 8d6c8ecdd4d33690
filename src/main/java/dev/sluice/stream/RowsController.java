package dev.sluice.stream;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Dataset;
import dev.sluice.encode.Format;
import dev.sluice.query.QueryParser;
import dev.sluice.query.Selection;
import dev.sluice.security.Action;
import dev.sluice.security.Caller;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GET /v1/datasets/{name}/rows}: the rows, streamed. Everything a client can get
 * wrong is checked before the response starts, so it is a problem, not a broken stream; a
 * failure after the first chunk aborts the connection.
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
        return ResponseEntity.ok()
            .contentType(format.mediaType())
            .body(this.streamer.stream(selection, format, exchange));
    }

}
