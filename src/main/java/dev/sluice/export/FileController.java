package dev.sluice.export;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.encode.Format;
import dev.sluice.job.JobState;
import dev.sluice.security.Caller;
import dev.sluice.storage.Download;
import dev.sluice.storage.Storage;
import dev.sluice.web.Attachment;
import dev.sluice.web.ResponseCompression;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GET /v1/exports/{id}/files/{name}}: a local file with its SHA-256 as a strong
 * ETag, Content-Length and single byte ranges (so {@code curl -C -} resumes), or a
 * redirect to a presigned URL of the store.
 */
@RestController
class FileController {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final ExportJobs jobs;

    private final Storage storage;

    FileController(ExportJobs jobs, Storage storage) {
        this.jobs = jobs;
        this.storage = storage;
    }

    @GetMapping("/v1/exports/{id}/files/{name}")
    Mono<ResponseEntity<Flux<DataBuffer>>> file(@PathVariable String id, @PathVariable String name, Caller caller,
            ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        // The bytes are the file's: no transfer compression on top (ranges count the
        // file's bytes, the ETag is its hash).
        ResponseCompression.exclude(exchange);
        UUID uuid = ExportController.parse(id);
        return this.jobs.find(uuid)
            .filter((job) -> caller.mayAccessJobOf(job.owner()))
            .switchIfEmpty(Mono.error(() -> ExportController.notFound(id)))
            .map((job) -> serve(job, name, request));
    }

    private ResponseEntity<Flux<DataBuffer>> serve(ExportJob job, String name, ServerHttpRequest request) {
        if (job.state() != JobState.SUCCEEDED) {
            throw notReady(job);
        }
        String etag = null;
        if (!name.equals(Manifest.NAME)) {
            ExportJob.Part part = job.parts()
                .stream()
                .filter((candidate) -> candidate.fileName().equals(name))
                .findFirst()
                .orElseThrow(() -> new ExportNotFoundException(
                        "Export " + job.id() + " has no file '" + name + "'. Its files: "
                                + String.join(", ", job.parts().stream().map(ExportJob.Part::fileName).toList()) + ", "
                                + Manifest.NAME + "."));
            etag = "\"" + part.sha256() + "\"";
        }
        Download download = this.storage.download(job.key(name));
        if (download instanceof Download.Redirect redirect) {
            return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT).location(redirect.uri()).build();
        }
        Path path = ((Download.LocalFile) download).path();
        long size;
        try {
            size = Files.size(path);
        }
        catch (IOException ex) {
            throw new ExportNotFoundException("The file '" + name + "' of export " + job.id() + " is missing.");
        }
        if (etag == null) {
            etag = "\"" + size + "-" + job.finishedAt() + "\"";
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setETag(etag);
        headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
        headers.setContentType(mediaType(job, name));
        headers.set(HttpHeaders.CONTENT_DISPOSITION, Attachment.header(name));
        if (request.getHeaders().getIfNoneMatch().contains(etag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).headers(headers).build();
        }
        long[] range = range(request, etag, size);
        if (range == null) {
            headers.setContentLength(size);
            return body(ResponseEntity.ok().headers(headers), request, path, 0, size);
        }
        if (range.length == 0) {
            headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
            return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).headers(headers).build();
        }
        long length = range[1] - range[0] + 1;
        headers.setContentLength(length);
        headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
        return body(ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).headers(headers), request, path, range[0],
                length);
    }

    // HEAD answers with GET's headers without reading the file (WebFlux would read it
    // and discard it).
    private static ResponseEntity<Flux<DataBuffer>> body(ResponseEntity.BodyBuilder response, ServerHttpRequest request,
            Path path, long position, long length) {
        if (request.getMethod() == HttpMethod.HEAD) {
            return response.build();
        }
        return response.body(read(path, position, length));
    }

    /**
     * The range asked for, as {@code [first, last]}; null for the whole file (no Range,
     * several ranges, or an If-Range that no longer matches); empty if unsatisfiable.
     */
    static long @Nullable [] range(ServerHttpRequest request, String etag, long size) {
        String header = request.getHeaders().getFirst(HttpHeaders.RANGE);
        String ifRange = request.getHeaders().getFirst(HttpHeaders.IF_RANGE);
        if (header == null || (ifRange != null && !ifRange.equals(etag))) {
            return null;
        }
        Matcher matcher = RANGE.matcher(header.trim());
        if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
            return null;
        }
        long first;
        long last;
        if (matcher.group(1).isEmpty()) {
            long suffix = Long.parseLong(matcher.group(2));
            first = Math.max(0, size - suffix);
            last = size - 1;
            if (suffix == 0) {
                return new long[0];
            }
        }
        else {
            first = Long.parseLong(matcher.group(1));
            last = matcher.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(matcher.group(2)), size - 1);
            if (matcher.group(2).length() > 0 && Long.parseLong(matcher.group(2)) < first) {
                return null;
            }
        }
        return (first >= size || size == 0) ? new long[0] : new long[] { first, last };
    }

    private static Flux<DataBuffer> read(Path path, long position, long length) {
        Flux<DataBuffer> bytes = DataBufferUtils.readAsynchronousFileChannel(
                () -> AsynchronousFileChannel.open(path, StandardOpenOption.READ), position,
                DefaultDataBufferFactory.sharedInstance, 64 * 1024);
        return DataBufferUtils.takeUntilByteCount(bytes, length);
    }

    private static MediaType mediaType(ExportJob job, String name) {
        if (name.equals(Manifest.NAME)) {
            return MediaType.APPLICATION_JSON;
        }
        if (job.compression().equals(Compression.GZIP.parameter())) {
            return new MediaType("application", "gzip");
        }
        return Format.ofParameter(job.format()).orElseThrow().mediaType();
    }

    private static ErrorResponseException notReady(ExportJob job) {
        HttpStatus status = job.state() == JobState.EXPIRED ? HttpStatus.GONE : HttpStatus.CONFLICT;
        String detail = switch (job.state()) {
            case EXPIRED -> "Export " + job.id() + " has expired; its files are deleted.";
            case QUEUED, RUNNING ->
                "Export " + job.id() + " is " + job.state() + "; its files can be downloaded once it has succeeded.";
            default -> "Export " + job.id() + " " + job.state() + "; it has no files.";
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(job.open() ? "Export not ready" : "No files");
        problem.setProperty("state", job.state().value());
        return new ErrorResponseException(status, problem, null);
    }

}
