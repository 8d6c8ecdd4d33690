package dev.sluice.web;

import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/** Puts {@link MalformedRequests} after the HTTP codec of every connection. */
@Component
class MalformedRequestsCustomizer implements NettyServerCustomizer {

    private final JsonMapper json;

    MalformedRequestsCustomizer(JsonMapper json) {
        this.json = json;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, address) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline()
                    .addAfter(NettyPipeline.HttpCodec, MalformedRequests.class.getName(),
                            new MalformedRequests(this.json));
            }
        });
    }

}
