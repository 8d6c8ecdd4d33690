package dev.sluice.k8s;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static dev.sluice.k8s.Manifests.at;
import static dev.sluice.k8s.Manifests.mapAt;
import static dev.sluice.k8s.Manifests.maps;
import static dev.sluice.k8s.Manifests.string;
import static dev.sluice.k8s.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered Deployment's pod and its Sluice container, with the environment the
 * container gets (ConfigMap references resolved) and the configuration Spring Boot binds
 * from it.
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
     * What Spring Boot binds in this pod: its own configuration processing, run on the
     * container's environment with the pod's ConfigMap and Secret volumes written under
     * {@code root} as the kubelet would mount them (paths in the environment follow).
     * Secret files hold {@code sluice.k8s-test.mounted: <secret>/<key>} instead of their
     * content.
     */
    Binder binder(Path root) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>(environment());
        for (Map<String, Object> mount : maps(this.container.get("volumeMounts"))) {
            String mountPath = (String) mount.get("mountPath");
            Map<String, Object> volume = volumeAt(mountPath);
            Path directory = root.resolve(mountPath.substring(1));
            Files.createDirectories(directory);
            if (volume.get("configMap") != null) {
                Map<String, String> data = configMapData(string(volume, "configMap", "name"));
                for (Map.Entry<String, String> file : data.entrySet()) {
                    Files.writeString(directory.resolve(file.getKey()), file.getValue());
                }
            }
            else if (volume.get("secret") != null) {
                String secret = string(volume, "secret", "secretName");
                for (Map<String, Object> item : maps(at(volume, "secret", "items"))) {
                    Files.writeString(directory.resolve((String) item.get("path")),
                            "sluice.k8s-test.mounted: " + secret + "/" + item.get("key") + "\n");
                }
            }
            else {
                continue;
            }
            environment.replaceAll((name, value) -> value.replace(mountPath, directory.toString()));
        }
        StandardEnvironment spring = new StandardEnvironment();
        // Named as Spring names the real one, so that SLUICE_STORAGE_S3_BUCKET maps to
        // sluice.storage.s3.bucket; the test JVM's own system properties stay out.
        spring.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(environment)));
        spring.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        SpringApplication application = new SpringApplication(NoBeans.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setEnvironment(spring);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setRegisterShutdownHook(false);
        try (ConfigurableApplicationContext context = application.run()) {
            return Binder.get(context.getEnvironment());
        }
    }

    /** Only the environment is wanted: a context without beans. */
    @Configuration(proxyBeanMethods = false)
    static class NoBeans {

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
