package dev.sluice.k8s;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

import static dev.sluice.k8s.Manifests.at;
import static dev.sluice.k8s.Manifests.mapAt;
import static dev.sluice.k8s.Manifests.maps;
import static dev.sluice.k8s.Manifests.string;
import static dev.sluice.k8s.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered Deployment's pod and its Sluice container, with the environment the
 * container gets (ConfigMap references resolved) and the configuration Spring Boot would
 * bind from it.
 */
final class Pod {

    private final Manifests manifests;

    private final Map<String, Object> deployment;

    private final Map<String, Object> spec;

    private final Map<String, Object> container;

    private Pod(Manifests manifests) {
        this.manifests = manifests;
        this.deployment = manifests.single("Deployment");
        this.spec = mapAt(this.deployment, "spec", "template", "spec");
        List<Map<String, Object>> containers = maps(this.spec.get("containers"));
        assertThat(containers).as("containers of the Deployment").hasSize(1);
        this.container = containers.get(0);
    }

    static Pod of(Manifests manifests) {
        return new Pod(manifests);
    }

    Map<String, Object> deployment() {
        return this.deployment;
    }

    Map<String, Object> spec() {
        return this.spec;
    }

    Map<String, Object> container() {
        return this.container;
    }

    Map<String, String> labels() {
        return strings(at(this.deployment, "spec", "template", "metadata", "labels"));
    }

    /** A port given by number or by the container port's name, as a number. */
    int containerPort(Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        for (Map<String, Object> declared : maps(this.container.get("ports"))) {
            if (String.valueOf(port).equals(declared.get("name"))) {
                return (Integer) declared.get("containerPort");
            }
        }
        throw new AssertionError("The container has no port named " + port);
    }

    /** What the pod mounts at a path: the volume's definition. */
    Map<String, Object> volumeAt(String mountPath) {
        List<Map<String, Object>> mounts = maps(this.container.get("volumeMounts")).stream()
            .filter((mount) -> mountPath.equals(mount.get("mountPath")))
            .toList();
        assertThat(mounts).as("volume mounts at %s", mountPath).hasSize(1);
        String name = (String) mounts.get(0).get("name");
        return maps(this.spec.get("volumes")).stream()
            .filter((volume) -> name.equals(volume.get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No volume named " + name));
    }

    Map<String, String> configMapData(String name) {
        return strings(this.manifests.named("ConfigMap", name).get("data"));
    }

    /**
     * The container's environment: ConfigMap entries (envFrom and configMapKeyRef)
     * resolved; values from Secrets as {@code <secret:name/key>}.
     */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        Object envFrom = this.container.get("envFrom");
        if (envFrom != null) {
            for (Map<String, Object> source : maps(envFrom)) {
                String configMap = string(source, "configMapRef", "name");
                assertThat(configMap).as("envFrom sources are ConfigMaps (secrets are referenced key by key)")
                    .isNotNull();
                environment.putAll(configMapData(configMap));
            }
        }
        for (Map<String, Object> variable : maps(this.container.get("env"))) {
            String name = (String) variable.get("name");
            if (variable.containsKey("value")) {
                environment.put(name, String.valueOf(variable.get("value")));
            }
            else if (at(variable, "valueFrom", "secretKeyRef") != null) {
                Map<String, Object> ref = mapAt(variable, "valueFrom", "secretKeyRef");
                environment.put(name, "<secret:" + ref.get("name") + "/" + ref.get("key") + ">");
            }
            else {
                Map<String, Object> ref = mapAt(variable, "valueFrom", "configMapKeyRef");
                environment.put(name, configMapData((String) ref.get("name")).get(ref.get("key")));
            }
        }
        return environment;
    }

    /**
     * What Spring Boot binds in this pod: the environment, then the application.yml
     * mounted at {@code SPRING_CONFIG_ADDITIONAL_LOCATION}, then the jar's own
     * application-prod.yml and application.yml (that precedence, highest first).
     */
    Binder binder() throws IOException {
        Map<String, String> environment = environment();
        MutablePropertySources sources = new MutablePropertySources();
        // Named as Spring names the real one, so that SLUICE_STORAGE_S3_BUCKET maps to
        // sluice.storage.s3.bucket.
        sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.copyOf(environment)));
        String location = environment.get("SPRING_CONFIG_ADDITIONAL_LOCATION");
        assertThat(location).as("SPRING_CONFIG_ADDITIONAL_LOCATION").isNotNull();
        Map<String, Object> volume = volumeAt(location.replaceAll("/$", ""));
        String configMap = string(volume, "configMap", "name");
        assertThat(configMap).as("the volume at %s is a ConfigMap", location).isNotNull();
        String yaml = configMapData(configMap).get("application.yml");
        assertThat(yaml).as("application.yml in ConfigMap %s", configMap).isNotNull();
        load(sources, location + "application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
        for (String profile : environment.getOrDefault("SPRING_PROFILES_ACTIVE", "").split(",")) {
            ClassPathResource specific = new ClassPathResource("application-" + profile.trim() + ".yml");
            if (!profile.isBlank() && specific.exists()) {
                load(sources, "classpath:" + specific.getPath(), specific);
            }
        }
        load(sources, "classpath:application.yml", new ClassPathResource("application.yml"));
        return new Binder(ConfigurationPropertySources.from(sources));
    }

    private static void load(MutablePropertySources sources, String name, Resource resource) throws IOException {
        for (PropertySource<?> source : new YamlPropertySourceLoader().load(name, resource)) {
            sources.addLast(source);
        }
    }

    /** The port of a URL, or its scheme's default. */
    static int port(String url) {
        URI uri = URI.create(url.replaceFirst("^r2dbc:", ""));
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return switch (uri.getScheme()) {
            case "postgresql", "postgres" -> 5432;
            case "http" -> 80;
            case "https" -> 443;
            default -> throw new AssertionError("No default port known for " + url);
        };
    }

}
