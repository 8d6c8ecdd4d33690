package dev.sluice.web;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Reads {@link JsonRequest} bodies with unknown fields refused; every other JSON is read
 * as Spring Boot configures it (unknown fields ignored).
 */
@Configuration(proxyBeanMethods = false)
class JsonRequests implements WebFluxConfigurer {

    private final JsonMapper json;

    JsonRequests(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        JsonMapper strict = this.json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        JacksonJsonDecoder decoder = new JacksonJsonDecoder(this.json);
        decoder.registerMappersForType(JsonRequest.class, (mappers) -> {
            mappers.put(MediaType.APPLICATION_JSON, strict);
            mappers.put(new MediaType("application", "*+json"), strict);
        });
        configurer.defaultCodecs().jacksonJsonDecoder(decoder);
    }

}
