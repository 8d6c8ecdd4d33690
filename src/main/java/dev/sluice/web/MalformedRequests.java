package dev.sluice.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers requests that Reactor Netty or WebFlux would refuse with a bare status and no
 * body (a request line or headers that do not parse or are too long, a target that is not
 * a valid URI such as a malformed percent escape) with a problem document, then closes
 * the connection. Sits right after the HTTP codec, one per connection.
 */
final class MalformedRequests extends ChannelInboundHandlerAdapter {

    private final JsonMapper json;

    // After a refusal the rest of that request (its body) is dropped.
    private boolean refused;

    MalformedRequests(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof HttpRequest request) {
            String detail = problem(request);
            if (detail != null) {
                this.refused = true;
                ReferenceCountUtil.release(message);
                respond(context, request.decoderResult(), detail);
                return;
            }
            this.refused = false;
        }
        if (this.refused) {
            ReferenceCountUtil.release(message);
            return;
        }
        context.fireChannelRead(message);
    }

    private static String problem(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return "The request line is longer than this server reads (server.netty.max-initial-line-length).";
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return "The request's headers are larger than this server reads"
                        + " (server.max-http-request-header-size).";
            }
            return "The request is not valid HTTP/1.1: " + cause.getMessage();
        }
        try {
            new URI(request.uri());
            return null;
        }
        catch (URISyntaxException ex) {
            return "The request target is not a valid URI: " + ex.getMessage()
                    + ". Characters outside the URI syntax, and '%' not followed by two hex digits, must be"
                    + " percent-encoded.";
        }
    }

    private void respond(ChannelHandlerContext context, DecoderResult result, String detail) {
        HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
        if (result.cause() instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        else if (result.cause() instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status.reasonPhrase());
        problem.put("status", status.code());
        problem.put("detail", detail);
        byte[] body = this.json.writeValueAsBytes(problem);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

}
