package dev.sluice.k8s;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.sluice.catalog.CatalogProperties;
import dev.sluice.export.ExportProperties;
import dev.sluice.ingest.ImportJobProperties;
import dev.sluice.ingest.ImportProperties;
import dev.sluice.storage.StorageProperties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.context.properties.bind.Binder;

import static dev.sluice.k8s.Manifests.at;
import static dev.sluice.k8s.Manifests.list;
import static dev.sluice.k8s.Manifests.mapAt;
import static dev.sluice.k8s.Manifests.maps;
import static dev.sluice.k8s.Manifests.string;
import static dev.sluice.k8s.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests under {@code k8s/}: the base and every overlay, as
 * {@code kubectl kustomize} renders them (no cluster needed), checked for what running
 * Sluice in Kubernetes relies on.
 */
class KubernetesManifestsTests {

    private static final String KUSTOMIZATIONS = "dev.sluice.k8s.Manifests#kustomizations";

    private static final int APP_PORT = 8080;

    @TempDir
    Path root;

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void everyPartIsRenderedIntoOneNamespace(Path kustomization) {
        Manifests manifests = Manifests.of(kustomization);
        Set<String> kinds = manifests.all()
            .stream()
            .map((object) -> (String) object.get("kind"))
            .collect(Collectors.toSet());
        assertThat(kinds).containsExactlyInAnyOrder("Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "NetworkPolicy");
        Set<String> namespaces = manifests.all()
            .stream()
            .map((object) -> Objects.toString(at(object, "metadata", "namespace"), "(none)"))
            .collect(Collectors.toSet());
        assertThat(namespaces).as("namespaces").hasSize(1);
        Pod pod = Pod.of(manifests);
        assertThat(at(pod.deployment(), "spec", "replicas")).as("replicas (the autoscaler owns the count)").isNull();
        assertSelects(strings(at(pod.deployment(), "spec", "selector", "matchLabels")), pod);
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void probesAskTheHealthGroupsOnTheAppPort(Path kustomization) {
        Pod pod = Pod.of(Manifests.of(kustomization));
        assertThat(pod.containerPort("http")).isEqualTo(APP_PORT);
        Map<String, Object> liveness = mapAt(pod.container(), "livenessProbe", "httpGet");
        Map<String, Object> readiness = mapAt(pod.container(), "readinessProbe", "httpGet");
        assertThat(liveness.get("path")).isEqualTo("/actuator/health/liveness");
        assertThat(readiness.get("path")).isEqualTo("/actuator/health/readiness");
        assertThat(pod.containerPort(liveness.get("port"))).isEqualTo(APP_PORT);
        assertThat(pod.containerPort(readiness.get("port"))).isEqualTo(APP_PORT);
        Object startup = at(pod.container(), "startupProbe", "httpGet");
        if (startup != null) {
            assertThat(pod.containerPort(Manifests.map(startup).get("port"))).isEqualTo(APP_PORT);
            assertThat(Manifests.map(startup).get("path")).isEqualTo("/actuator/health/liveness");
        }
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void cpuAndMemoryAreRequestedAndLimited(Path kustomization) {
        Pod pod = Pod.of(Manifests.of(kustomization));
        Map<String, String> requests = strings(at(pod.container(), "resources", "requests"));
        Map<String, String> limits = strings(at(pod.container(), "resources", "limits"));
        assertThat(requests).containsKeys("cpu", "memory");
        assertThat(limits).containsKeys("cpu", "memory");
        // The heap is a share of the limit and committed at start: memory above the
        // request is not spare.
        assertThat(bytes(requests.get("memory"))).as("memory request").isEqualTo(bytes(limits.get("memory")));
        assertThat(millicores(requests.get("cpu"))).as("cpu request")
            .isLessThanOrEqualTo(millicores(limits.get("cpu")));
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void runsAsNonRootOnAReadOnlyRootFilesystemWithAWritableTmp(Path kustomization) {
        Pod pod = Pod.of(Manifests.of(kustomization));
        Map<String, Object> podContext = mapAt(pod.spec(), "securityContext");
        Map<String, Object> containerContext = mapAt(pod.container(), "securityContext");
        assertThat(podContext.get("runAsNonRoot")).isEqualTo(true);
        assertThat((Integer) podContext.get("runAsUser")).isPositive();
        assertThat(containerContext.get("runAsNonRoot")).isNotEqualTo(false);
        assertThat(containerContext.get("runAsUser")).isNotEqualTo(0);
        assertThat(containerContext.get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(containerContext.get("allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(list(at(containerContext, "capabilities", "drop"))).contains("ALL");
        assertThat(pod.volumeAt("/tmp")).containsKey("emptyDir");
        assertThat(pod.environment().get("JAVA_TOOL_OPTIONS")).contains("-Djava.io.tmpdir=/tmp");
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void theHeapIsAShareOfTheContainersMemory(Path kustomization) {
        String options = Pod.of(Manifests.of(kustomization)).environment().get("JAVA_TOOL_OPTIONS");
        assertThat(options).as("JAVA_TOOL_OPTIONS")
            .isNotNull()
            .doesNotContain("-Xmx")
            .doesNotContain("-XX:MaxHeapSize");
        Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(\\.\\d+)?)").matcher(options);
        assertThat(percentage.find()).as("-XX:MaxRAMPercentage in %s", options).isTrue();
        // What is left is for metaspace, code cache, thread stacks and Netty's direct
        // buffers.
        assertThat(Double.parseDouble(percentage.group(1))).isBetween(25.0, 75.0);
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void terminationGraceOutlastsThePreStopPauseAndTheShutdownGrace(Path kustomization) throws IOException {
        Pod pod = Pod.of(Manifests.of(kustomization));
        Binder binder = pod.binder(this.root);
        assertThat(binder.bind("server.shutdown", String.class).get()).isEqualTo("graceful");
        Duration shutdown = binder.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
            .orElseThrow(() -> new AssertionError("spring.lifecycle.timeout-per-shutdown-phase is not set"));
        long preStop = preStopSeconds(pod.container());
        int grace = (Integer) pod.spec().get("terminationGracePeriodSeconds");
        assertThat(shutdown).isPositive();
        assertThat(Duration.ofSeconds(grace)).as("terminationGracePeriodSeconds")
            .isGreaterThan(shutdown.plusSeconds(preStop));
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void settingsComeFromTheConfigMapAndSecretsFromSecrets(Path kustomization) {
        Manifests manifests = Manifests.of(kustomization);
        Pod pod = Pod.of(manifests);
        Map<String, String> environment = pod.environment();
        assertThat(environment).containsEntry("SPRING_PROFILES_ACTIVE", "prod")
            .containsEntry("SPRING_CONFIG_ADDITIONAL_LOCATION", "/config/")
            .containsEntry("SPRING_CONFIG_IMPORT", "optional:file:/etc/sluice/secrets/api-keys.yml")
            .containsKeys("SPRING_R2DBC_URL", "SPRING_R2DBC_USERNAME", "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE")
            .containsEntry("SPRING_R2DBC_PASSWORD", "<secret:sluice-database/password>")
            .containsEntry("AWS_ACCESS_KEY_ID", "<secret:sluice-s3/access-key-id>")
            .containsEntry("AWS_SECRET_ACCESS_KEY", "<secret:sluice-s3/secret-access-key>");
        Map<String, Object> config = pod.volumeAt("/config");
        assertThat(pod.configMapData(string(config, "configMap", "name"))).containsKey("application.yml");
        Map<String, Object> apiKeys = pod.volumeAt("/etc/sluice/secrets");
        assertThat(string(apiKeys, "secret", "secretName")).isEqualTo("sluice-api-keys");
        assertThat(maps(at(apiKeys, "secret", "items"))).extracting((item) -> item.get("path"))
            .containsExactly("api-keys.yml");
        // Nothing secret is written into a ConfigMap, where anyone who may read the
        // namespace's config can see it.
        Pattern secretName = Pattern.compile("(?i).*(password|secret|access.?key|token|private).*");
        for (Map<String, Object> configMap : manifests.ofKind("ConfigMap")) {
            strings(configMap.get("data")).forEach((key, value) -> {
                assertThat(key).as("ConfigMap key").doesNotMatch(secretName);
                if (key.endsWith(".yml")) {
                    for (String line : value.split("\n")) {
                        String property = line.replaceAll("#.*", "").replaceAll(":.*", "");
                        assertThat(property).as("a property in %s", key).doesNotMatch(secretName);
                    }
                }
            });
        }
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void springBindsTheSettingsTheManifestsGive(Path kustomization) throws IOException {
        Pod pod = Pod.of(Manifests.of(kustomization));
        Binder binder = pod.binder(this.root);
        assertThat(binder.bind("spring.profiles.active", String[].class).get()).contains("prod");
        assertThat(binder.bind("spring.r2dbc.url", String.class).get()).startsWith("r2dbc:postgresql://");
        assertThat(binder.bind("spring.r2dbc.password", String.class).get()).startsWith("<secret:");
        // SPRING_CONFIG_IMPORT found the API keys file where the Secret is mounted.
        assertThat(binder.bind("sluice.k8s-test.mounted", String.class).get())
            .isEqualTo("sluice-api-keys/api-keys.yml");
        StorageProperties storage = binder.bindOrCreate("sluice.storage", StorageProperties.class);
        // Replicas share the job table, so a file one replica wrote must be readable by
        // every other.
        assertThat(storage.type()).as("storage type (local files are not shared between replicas)")
            .isEqualTo(StorageProperties.Type.S3);
        assertThat(storage.s3().bucket()).isNotBlank();
        CatalogProperties catalog = binder.bindOrCreate("sluice", CatalogProperties.class);
        catalog.datasets().forEach((name, dataset) -> {
            assertThat(dataset.table()).as("table of dataset %s", name).isNotBlank();
            assertThat(dataset.key()).as("key of dataset %s", name).isNotEmpty();
        });
        if (!kustomization.endsWith("base")) {
            assertThat(catalog.datasets()).as("datasets of an overlay").isNotEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void theConnectionPoolHoldsEveryStreamAndJob(Path kustomization) throws IOException {
        Binder binder = Pod.of(Manifests.of(kustomization)).binder(this.root);
        int pool = binder.bind("spring.r2dbc.pool.max-size", Integer.class).get();
        int streams = binder.bind("sluice.limits.max-streams", Integer.class)
            .orElseThrow(() -> new AssertionError("sluice.limits.max-streams is not set"));
        int perCaller = binder.bind("sluice.limits.max-streams-per-caller", Integer.class).get();
        assertThat(binder.bind("sluice.limits.idle-timeout", Duration.class).get()).isPositive();
        // One connection per running stream, import and import job; two per export job
        // (its snapshot's and its reader's).
        int exports = binder.bindOrCreate("sluice.exports", ExportProperties.class).concurrentJobs();
        int imports = binder.bindOrCreate("sluice.imports", ImportProperties.class).concurrentImports();
        int importJobs = binder.bindOrCreate("sluice.import-jobs", ImportJobProperties.class).concurrentJobs();
        assertThat(streams + 2 * exports + imports + importJobs)
            .as("connections for streams, export jobs, imports and "
                    + "import jobs against spring.r2dbc.pool.max-size %d", pool)
            .isLessThanOrEqualTo(pool);
        assertThat(perCaller).isPositive().isLessThanOrEqualTo(streams);
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void theServiceSendsItsPortToThePods(Path kustomization) {
        Manifests manifests = Manifests.of(kustomization);
        Pod pod = Pod.of(manifests);
        Map<String, Object> service = manifests.single("Service");
        assertSelects(strings(at(service, "spec", "selector")), pod);
        List<Map<String, Object>> ports = maps(at(service, "spec", "ports"));
        assertThat(ports).isNotEmpty()
            .allSatisfy((port) -> assertThat(pod.containerPort(port.get("targetPort"))).isEqualTo(APP_PORT));
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void theAutoscalerScalesTheDeploymentAndADrainLeavesOneReplicaServing(Path kustomization) {
        Manifests manifests = Manifests.of(kustomization);
        Pod pod = Pod.of(manifests);
        Map<String, Object> autoscaler = manifests.single("HorizontalPodAutoscaler");
        assertThat(autoscaler.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(strings(at(autoscaler, "spec", "scaleTargetRef"))).containsEntry("apiVersion", "apps/v1")
            .containsEntry("kind", "Deployment")
            .containsEntry("name", string(pod.deployment(), "metadata", "name"));
        int min = (Integer) at(autoscaler, "spec", "minReplicas");
        int max = (Integer) at(autoscaler, "spec", "maxReplicas");
        assertThat(min).isGreaterThanOrEqualTo(2);
        assertThat(max).isGreaterThanOrEqualTo(min);
        assertThat(maps(at(autoscaler, "spec", "metrics"))).isNotEmpty();

        Map<String, Object> budget = manifests.single("PodDisruptionBudget");
        assertSelects(strings(at(budget, "spec", "selector", "matchLabels")), pod);
        Object maxUnavailable = at(budget, "spec", "maxUnavailable");
        Object minAvailable = at(budget, "spec", "minAvailable");
        // A node drain may evict a pod (else it blocks) while another keeps serving.
        if (maxUnavailable != null) {
            assertThat((Integer) maxUnavailable).isBetween(1, min - 1);
        }
        else {
            assertThat((Integer) minAvailable).isBetween(1, min - 1);
        }
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void theNetworkPolicyAdmitsTheAppPortAndReachesDnsTheDatabaseAndStorage(Path kustomization) throws IOException {
        Manifests manifests = Manifests.of(kustomization);
        Pod pod = Pod.of(manifests);
        Map<String, Object> policy = manifests.single("NetworkPolicy");
        assertSelects(strings(at(policy, "spec", "podSelector", "matchLabels")), pod);
        assertThat(list(at(policy, "spec", "policyTypes"))).contains("Ingress", "Egress");
        List<Map<String, Object>> ingress = maps(at(policy, "spec", "ingress"));
        List<Map<String, Object>> egress = maps(at(policy, "spec", "egress"));
        assertThat(allows(pod, ingress, APP_PORT, "TCP")).as("ingress to %d/TCP", APP_PORT).isTrue();
        assertThat(allows(pod, ingress, 5432, "TCP")).as("ingress to anything but the app port").isFalse();

        Binder binder = pod.binder(this.root);
        int database = Pod.port(binder.bind("spring.r2dbc.url", String.class).get());
        StorageProperties storage = binder.bindOrCreate("sluice.storage", StorageProperties.class);
        int s3 = (storage.s3().endpoint() != null) ? Pod.port(storage.s3().endpoint().toString()) : 443;
        assertThat(allows(pod, egress, 53, "UDP")).as("egress to DNS, 53/UDP").isTrue();
        assertThat(allows(pod, egress, 53, "TCP")).as("egress to DNS, 53/TCP").isTrue();
        assertThat(allows(pod, egress, database, "TCP")).as("egress to the database, %d/TCP", database).isTrue();
        assertThat(allows(pod, egress, s3, "TCP")).as("egress to S3, %d/TCP", s3).isTrue();
        binder.bind("spring.security.oauth2.resourceserver.jwt.issuer-uri", String.class)
            .ifBound((issuer) -> assertThat(allows(pod, egress, Pod.port(issuer), "TCP"))
                .as("egress to the JWT issuer %s", issuer)
                .isTrue());
        assertThat(allows(pod, egress, 25, "TCP")).as("egress to anything else").isFalse();
    }

    /**
     * A selector that matches the Deployment's pods: not empty, and every label theirs.
     */
    private static void assertSelects(Map<String, String> selector, Pod pod) {
        assertThat(selector).as("selector").isNotEmpty();
        assertThat(pod.labels()).as("the pods' labels").containsAllEntriesOf(selector);
    }

    /** Whether one of the rules lets traffic to this port and protocol through. */
    private static boolean allows(Pod pod, List<Map<String, Object>> rules, int port, String protocol) {
        for (Map<String, Object> rule : rules) {
            Object ports = rule.get("ports");
            if (ports == null) {
                return true;
            }
            for (Map<String, Object> entry : maps(ports)) {
                String entryProtocol = String.valueOf(entry.getOrDefault("protocol", "TCP"));
                Object entryPort = entry.get("port");
                if (!entryProtocol.equals(protocol)) {
                    continue;
                }
                if (entryPort == null) {
                    return true;
                }
                int from = (entryPort instanceof Integer number) ? number : pod.containerPort(entryPort);
                int to = (entry.get("endPort") instanceof Integer end) ? end : from;
                if (from <= port && port <= to) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long preStopSeconds(Map<String, Object> container) {
        Object sleep = at(container, "lifecycle", "preStop", "sleep", "seconds");
        if (sleep != null) {
            return ((Integer) sleep).longValue();
        }
        Object command = at(container, "lifecycle", "preStop", "exec", "command");
        if (command == null) {
            return 0;
        }
        List<Object> words = list(command);
        assertThat(words).as("preStop command").hasSize(2).first().isEqualTo("sleep");
        return Long.parseLong(String.valueOf(words.get(1)));
    }

    /** A Kubernetes memory quantity in bytes (binary and decimal suffixes). */
    static long bytes(String quantity) {
        Matcher matcher = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity);
        assertThat(matcher.matches()).as("memory quantity %s", quantity).isTrue();
        long value = Long.parseLong(matcher.group(1));
        String suffix = (matcher.group(2) != null) ? matcher.group(2) : "";
        return value * switch (suffix) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            default -> 1L;
        };
    }

    /** A Kubernetes CPU quantity in millicores. */
    static long millicores(String quantity) {
        if (quantity.endsWith("m")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 1));
        }
        return Math.round(Double.parseDouble(quantity) * 1000);
    }

}
