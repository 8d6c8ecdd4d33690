package dev.sluice.stream;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sluice.database.RowReader;
import dev.sluice.encode.ChunkedEncoder;
import dev.sluice.encode.Format;
import dev.sluice.query.Selection;
import dev.sluice.query.SqlBuilder;
import dev.sluice.query.SqlQuery;
import dev.sluice.query.TypedValue;
import dev.sluice.web.Responses;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;

/**
 * A selection's rows as chunks of encoded bytes: database → encoder → chunks, with demand
 * flowing back from the HTTP connection to the portal, so a slow reader slows the query
 * instead of filling memory.
 */
@Component
public class RowStreamer {

    private final RowReader reader;

    private final StreamProperties properties;

    RowStreamer(RowReader reader, StreamProperties properties) {
        this.reader = reader;
        this.properties = properties;
    }

    /**
     * The rows as chunks for the response. Errors before the first chunk propagate (the
     * caller answers with a problem); an error after it cuts the transfer short (see
     * {@code web.CutShortResponses}). A client that goes away stops the query.
     */
    public Flux<DataBuffer> stream(Selection selection, Format format, ServerHttpResponse response) {
        SqlQuery query = SqlBuilder.rows(selection, format != Format.CSV);
        List<TypedValue> values = SqlBuilder.typedValues(selection);
        Integer datasetFetchSize = selection.dataset().fetchSize();
        int fetchSize = (datasetFetchSize != null) ? datasetFetchSize : this.properties.fetchSize();
        int chunkSize = (int) this.properties.chunkSize().toBytes();
        return Flux.defer(() -> {
            ChunkedEncoder encoder = ChunkedEncoder.of(format, selection.columns(), chunkSize);
            AtomicBoolean gone = new AtomicBoolean();
            return this.reader.read(values, query, fetchSize, encoder::row)
                .filter((chunk) -> chunk != ChunkedEncoder.NO_CHUNK)
                .concatWith(Mono.fromSupplier(encoder::finish))
                // Ended by a closed connection is a failure, never a clean end: an error
                // that closed it must not turn into the terminating chunk.
                .takeUntilOther(Responses.closed(response).doOnNext(gone::set))
                .concatWith(Mono.defer(() -> gone.get() ? Mono.error(new ClientGoneException()) : Mono.empty()));
        });
    }

}
