package dev.sluice.security;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.CatalogProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * The filter chain: with {@code sluice.security.enabled} every request but the health
 * probes needs an API key ({@code X-API-Key}) or a bearer JWT, and the server refuses to
 * start with neither configured; without it, every caller may do everything, and the log
 * says so.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Log logger = LogFactory.getLog(SecurityConfiguration.class);

    static final String[] PROBES = { "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness" };

    static final String METRICS_SCOPE = "sluice:metrics";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, SecurityProperties properties,
            ObjectProvider<ReactiveJwtDecoder> decoders, JsonMapper json) {
        // Stateless: no session, no saved request, no CSRF token (no cookies to forge).
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
            .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
            .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
            .logout(ServerHttpSecurity.LogoutSpec::disable)
            .requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
            .securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        if (!properties.enabled()) {
            logger.warn("**********************************************************************************");
            logger.warn("SECURITY IS OFF (sluice.security.enabled=false): every caller may read, export and");
            logger.warn("import every dataset and see every job, without a credential. Never run it so in");
            logger.warn("production.");
            logger.warn("**********************************************************************************");
            return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll()).build();
        }
        ReactiveJwtDecoder decoder = decoders.getIfAvailable();
        ApiKeys keys = new ApiKeys(properties.apiKeys());
        if (decoder == null && keys.isEmpty()) {
            throw new IllegalStateException("sluice.security.enabled is true but no credential is configured: set"
                    + " sluice.security.api-keys and/or spring.security.oauth2.resourceserver.jwt.issuer-uri or"
                    + " .jwk-set-uri (or, for a demo only, sluice.security.enabled=false).");
        }
        ProblemResponses problems = new ProblemResponses(json, decoder != null, !keys.isEmpty());
        http.exceptionHandling((handling) -> handling.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        if (!keys.isEmpty()) {
            AuthenticationWebFilter apiKeys = new AuthenticationWebFilter(keys);
            apiKeys.setServerAuthenticationConverter(keys);
            apiKeys.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(problems));
            apiKeys.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
            http.addFilterAt(apiKeys, SecurityWebFiltersOrder.AUTHENTICATION);
        }
        if (decoder != null) {
            http.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.jwtDecoder(decoder))
                .authenticationEntryPoint(problems)
                .accessDeniedHandler(problems));
        }
        logger.info("Security is on: " + keys.count() + " API key(s), JWT " + ((decoder != null) ? "on" : "off")
                + ", administrator scope '" + properties.adminScope() + "'");
        return http
            .authorizeExchange((exchanges) -> exchanges.pathMatchers(PROBES)
                .permitAll()
                .pathMatchers("/actuator/info", "/actuator/prometheus")
                .hasAnyAuthority("SCOPE_" + properties.adminScope(), "SCOPE_" + METRICS_SCOPE)
                .anyExchange()
                .authenticated())
            .build();
    }

    @Bean
    WebFluxConfigurer callerArguments(SecurityProperties properties, CatalogProperties catalogProperties,
            Catalog catalog) {
        Callers callers = new Callers(properties, new DatasetPolicies(catalogProperties, catalog));
        return new WebFluxConfigurer() {

            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(callers);
            }

        };
    }

}
