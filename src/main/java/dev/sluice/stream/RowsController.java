package dev.sluice.stream;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Dataset;
import dev.sluice.encode.Format;
import dev.sluice.query.QueryParser;
import dev.sluice.query.Selection;
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
    ResponseEntity<Flux<DataBuffer>> rows(@PathVariable String name, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        Dataset dataset = this.catalog.dataset(name);
        Format format = Negotiation.format(request);
        Selection selection = QueryParser.parse(dataset, request.getQueryParams());
        return ResponseEntity.ok()
            .contentType(format.mediaType())
            .body(this.streamer.stream(selection, format, exchange));
    }

}
