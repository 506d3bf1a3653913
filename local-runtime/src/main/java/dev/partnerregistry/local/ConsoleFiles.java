package dev.partnerregistry.local;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * The web console under {@code make run}: the built files of {@code console/dist} (or {@code CONSOLE_DIR}) at
 * {@code /console/}, with the security headers the deployed distribution sends, and {@code /console/config.json}
 * made here: the region, and the API endpoint when it is not the page's own origin. Read-only: GET and HEAD of
 * files directly in the directory, nothing else.
 */
public final class ConsoleFiles {

    public static final String PATH = "/console/";
    public static final String DIR_VARIABLE = "CONSOLE_DIR";
    public static final String DEFAULT_DIR = "console/dist";
    /** The API endpoint config.json names, when the console is to call another origin than its own (the default). */
    public static final String API_ENDPOINT_VARIABLE = "CONSOLE_API_ENDPOINT";
    static final String CONFIG_FILE = "config.json";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml");

    private final Path dir;
    private final byte[] config;
    private final String contentSecurityPolicy;

    ConsoleFiles(Path dir, String region, URI apiEndpoint) {
        this.dir = dir.toAbsolutePath().normalize();
        JsonWriter w = JsonWriter.create();
        w.writeStartObject();
        w.writeFieldName("region").writeValue(region);
        if (apiEndpoint != null) {
            w.writeFieldName("endpoint").writeValue(apiEndpoint.toString());
        }
        w.writeEndObject();
        this.config = w.getBytes();
        this.contentSecurityPolicy = contentSecurityPolicy(apiEndpoint == null ? null : origin(apiEndpoint));
    }

    /** The console's files from {@code CONSOLE_DIR} (default {@value #DEFAULT_DIR}), under the working directory. */
    public static ConsoleFiles fromEnvironment(Map<String, String> env, Path workingDir, String region) {
        String given = env.get(DIR_VARIABLE);
        String apiEndpoint = env.get(API_ENDPOINT_VARIABLE);
        return new ConsoleFiles(workingDir.resolve(given == null || given.isBlank() ? DEFAULT_DIR : given.trim()), region,
                apiEndpoint == null || apiEndpoint.isBlank() ? null : URI.create(apiEndpoint.trim()));
    }

    /** Whether the console has been built ({@code make console}). */
    public boolean built() {
        return Files.isRegularFile(dir.resolve("index.html"));
    }

    public Path dir() {
        return dir;
    }

    /**
     * The policy the deployed distribution sends too ({@code RegistryConsole}): scripts, styles and images only
     * from the console's own origin, requests only to it and to the API, no frames, no inline script.
     */
    public static String contentSecurityPolicy(String apiOrigin) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'"
                + (apiOrigin == null ? "" : " " + apiOrigin)
                + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** The answer for a GET or HEAD of {@code path} ({@code /console}, {@code /console/...}), or empty if it is not the console's. */
    Optional<Response> answer(String method, String path) {
        if (!path.equals("/console") && !path.startsWith(PATH)) {
            return Optional.empty();
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.of(text(405, "Method Not Allowed", Map.of("Allow", "GET, HEAD")));
        }
        if (path.equals("/console")) {
            return Optional.of(text(301, "Moved", Map.of("Location", PATH)));
        }
        String name = path.substring(PATH.length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        if (name.equals(CONFIG_FILE)) {
            return Optional.of(file("json", config));
        }
        // Files directly in the directory, by a plain name: no '/', no '..', no encoded characters.
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.contains("..")) {
            return Optional.of(text(404, "Not Found", Map.of()));
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.of(text(404, built() ? "Not Found" : "The console is not built: run make console (make run builds it)", Map.of()));
        }
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        try {
            return Optional.of(file(extension, Files.readAllBytes(file)));
        } catch (IOException e) {
            return Optional.of(text(404, "Not Found", Map.of()));
        }
    }

    private Response file(String extension, byte[] body) {
        Map<String, List<String>> headers = securityHeaders();
        headers.put("Content-Type", List.of(TYPES.getOrDefault(extension, "application/octet-stream")));
        // Always revalidated: a rebuilt console is what the next load gets.
        headers.put("Cache-Control", List.of("no-cache"));
        return new Response(200, headers, body);
    }

    private Response text(int status, String message, Map<String, String> extra) {
        Map<String, List<String>> headers = securityHeaders();
        headers.put("Content-Type", List.of("text/plain; charset=utf-8"));
        extra.forEach((name, value) -> headers.put(name, List.of(value)));
        return new Response(status, headers, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, List<String>> securityHeaders() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", List.of(contentSecurityPolicy));
        headers.put("X-Content-Type-Options", List.of("nosniff"));
        headers.put("X-Frame-Options", List.of("DENY"));
        headers.put("Referrer-Policy", List.of("no-referrer"));
        headers.put("Cross-Origin-Opener-Policy", List.of("same-origin"));
        return headers;
    }

    /** A status, headers and body for the server to send. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }
}
