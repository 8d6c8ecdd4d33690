package dev.sluice.stream;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sluice.database.RowReader;
import dev.sluice.encode.ChunkedEncoder;
import dev.sluice.encode.Format;
import dev.sluice.query.Selection;
import dev.sluice.query.SqlBuilder;
import dev.sluice.query.SqlQuery;
import dev.sluice.query.TypedValue;
import dev.sluice.web.RequestIds;
import dev.sluice.web.Responses;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * A selection's rows as chunks of encoded bytes: database → encoder → chunks, with demand
 * flowing back from the HTTP connection to the portal, so a slow reader slows the query
 * instead of filling memory.
 */
@Component
public class RowStreamer {

    private static final String ANONYMOUS = "anonymous";

    private final RowReader reader;

    private final StreamProperties properties;

    private final StreamLimits limits;

    private final LimitsProperties limitsProperties;

    private final StreamMetrics metrics;

    private final StreamShutdown shutdown;

    RowStreamer(RowReader reader, StreamProperties properties, StreamLimits limits, LimitsProperties limitsProperties,
            StreamMetrics metrics, StreamShutdown shutdown) {
        this.shutdown = shutdown;
        this.reader = reader;
        this.properties = properties;
        this.limits = limits;
        this.limitsProperties = limitsProperties;
        this.metrics = metrics;
    }

    /**
     * The rows as chunks for the response. Errors before the first chunk propagate (the
     * caller answers with a problem: 429 past a stream limit); an error after it cuts the
     * transfer short (see {@code web.CutShortResponses}). A client that goes away stops
     * the query; one that stops reading for the idle timeout is cut off the same way.
     */
    public Flux<DataBuffer> stream(Selection selection, Format format, ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        String requestId = RequestIds.of(exchange);
        SqlQuery query = SqlBuilder.rows(selection, format != Format.CSV);
        List<TypedValue> values = SqlBuilder.typedValues(selection);
        Integer datasetFetchSize = selection.dataset().fetchSize();
        int fetchSize = (datasetFetchSize != null) ? datasetFetchSize : this.properties.fetchSize();
        int chunkSize = (int) this.properties.chunkSize().toBytes();
        return exchange.getPrincipal()
            .map(Principal::getName)
            .defaultIfEmpty(ANONYMOUS)
            .flatMapMany((caller) -> Flux.defer(() -> {
                StreamLimits.Permit permit = acquire(caller);
                StreamMetrics.Record record = this.metrics.start(selection.dataset().name(), requestId);
                Runnable cut = () -> {
                    record.shutdown();
                    Responses.abort(response);
                };
                try {
                    this.shutdown.started(cut);
                }
                catch (RuntimeException ex) {
                    permit.release();
                    throw ex;
                }
                ChunkedEncoder encoder = ChunkedEncoder.of(format, selection.columns(), chunkSize);
                AtomicBoolean gone = new AtomicBoolean();
                Flux<DataBuffer> chunks = this.reader.read(values, query, fetchSize, (row) -> {
                    record.row();
                    return encoder.row(row);
                })
                    .filter((chunk) -> chunk != ChunkedEncoder.NO_CHUNK)
                    .concatWith(Mono.fromSupplier(encoder::finish))
                    .doOnNext((chunk) -> record.chunk(chunk.readableByteCount()))
                    // Ended by a closed connection is a failure, never a clean end: an
                    // error that closed it must not turn into the terminating chunk.
                    .takeUntilOther(Responses.closed(response).doOnNext(gone::set))
                    .concatWith(Mono.defer(() -> gone.get() ? Mono.error(new ClientGoneException()) : Mono.empty()));
                // A stalled reader is cut off like a failure: the connection closes
                // without the terminating chunk, which ends the query above.
                return IdleCutoff.watch(chunks, this.limitsProperties.idleTimeout(), () -> {
                    record.idle();
                    Responses.abort(response);
                }).doOnError(record::failed).doFinally((signal) -> {
                    this.shutdown.ended(cut);
                    permit.release();
                    record.end(signal);
                });
            }));
    }

    private StreamLimits.Permit acquire(String caller) {
        try {
            return this.limits.acquire(caller);
        }
        catch (TooManyStreamsException ex) {
            this.metrics.refused(ex.limit());
            throw ex;
        }
    }

}
