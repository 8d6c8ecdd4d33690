package dev.sluice.web;

/**
 * The content codings responses are offered in, best first; the ones clients commonly
 * decode. Another (zstd) is one more constant with its compressor.
 */
enum ContentCoding {

    GZIP("gzip") {
        @Override
        Compressor compressor() {
            return new GzipCompressor();
        }
    };

    private final String token;

    ContentCoding(String token) {
        this.token = token;
    }

    /** The name in Accept-Encoding and Content-Encoding. */
    String token() {
        return this.token;
    }

    /** A new compressor for one response body. */
    abstract Compressor compressor();

}
