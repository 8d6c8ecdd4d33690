package dev.sluice.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The objects {@code kubectl kustomize} renders from one kustomization under
 * {@code k8s/}, parsed into maps, with lookups by kind and by name.
 */
final class Manifests {

    static final Path ROOT = Path.of("k8s");

    private static final Map<Path, Manifests> rendered = new ConcurrentHashMap<>();

    private final Path directory;

    private final List<Map<String, Object>> objects;

    private Manifests(Path directory, List<Map<String, Object>> objects) {
        this.directory = directory;
        this.objects = objects;
    }

    /** The base and every overlay: each directory of k8s/ that holds a kustomization. */
    static Stream<Path> kustomizations() throws IOException {
        assertThat(ROOT.resolve("base/kustomization.yaml")).exists();
        List<Path> found = new ArrayList<>();
        found.add(ROOT.resolve("base"));
        try (Stream<Path> overlays = Files.list(ROOT.resolve("overlays"))) {
            overlays.filter((dir) -> Files.exists(dir.resolve("kustomization.yaml"))).sorted().forEach(found::add);
        }
        assertThat(found).as("the base and at least one overlay").hasSizeGreaterThan(1);
        return found.stream();
    }

    static Manifests of(Path directory) {
        return rendered.computeIfAbsent(directory, Manifests::render);
    }

    private static Manifests render(Path directory) {
        String kubectl = kubectl();
        Path output;
        Path errors;
        try {
            output = Files.createTempFile("kustomize", ".yaml");
            errors = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(kubectl, "kustomize", directory.toString())
                .redirectOutput(output.toFile())
                .redirectError(errors.toFile())
                .start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("kubectl kustomize %s did not finish within 2 minutes", directory);
            }
            if (process.exitValue() != 0) {
                fail("kubectl kustomize %s failed (exit %d): %s", directory, process.exitValue(),
                        Files.readString(errors));
            }
            List<Map<String, Object>> objects = new ArrayList<>();
            for (Object document : new Yaml().loadAll(Files.readString(output, StandardCharsets.UTF_8))) {
                if (document != null) {
                    objects.add(map(document));
                }
            }
            Files.delete(output);
            Files.delete(errors);
            return new Manifests(directory, objects);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Could not run kubectl kustomize " + directory + ": " + ex, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * kubectl from the PATH: missing, the test fails and says so rather than skipping.
     */
    private static String kubectl() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(
                "kubectl is not on the PATH (%s). The Kubernetes manifests under k8s/ are checked by rendering "
                        + "them with 'kubectl kustomize', which needs no cluster: install kubectl to run this test.",
                path);
    }

    Path directory() {
        return this.directory;
    }

    List<Map<String, Object>> all() {
        return this.objects;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return this.objects.stream().filter((object) -> kind.equals(object.get("kind"))).toList();
    }

    /** The one object of a kind (the base has one of each). */
    Map<String, Object> single(String kind) {
        List<Map<String, Object>> found = ofKind(kind);
        assertThat(found).as("%s objects rendered from %s", kind, this.directory).hasSize(1);
        return found.get(0);
    }

    Map<String, Object> named(String kind, String name) {
        List<Map<String, Object>> found = ofKind(kind).stream()
            .filter((object) -> name.equals(string(object, "metadata", "name")))
            .toList();
        assertThat(found).as("%s %s rendered from %s", kind, name, this.directory).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    static List<Map<String, Object>> maps(Object value) {
        return list(value).stream().map(Manifests::map).toList();
    }

    /** The value at a path of keys, or null where the path ends early. */
    static Object at(Map<String, Object> object, String... keys) {
        Object current = object;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    static Map<String, Object> mapAt(Map<String, Object> object, String... keys) {
        Object value = at(object, keys);
        assertThat(value).as(String.join(".", keys)).isNotNull();
        return map(value);
    }

    static String string(Map<String, Object> object, String... keys) {
        Object value = at(object, keys);
        return (value != null) ? value.toString() : null;
    }

    static Map<String, String> strings(Object value) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (value != null) {
            map(value).forEach((key, item) -> strings.put(key, String.valueOf(item)));
        }
        return strings;
    }

}
