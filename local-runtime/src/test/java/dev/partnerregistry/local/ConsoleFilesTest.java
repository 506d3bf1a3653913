package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.api.ConsoleCors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make run's web console: the built files at /console/ with the deployed distribution's security headers, a
 * config.json naming the region, nothing outside the directory; and the CORS preflight the stack's OPTIONS
 * method answers, for the console's origin only. None of it reaches the function.
 */
class ConsoleFilesTest {

    private static final String ORIGIN = "http://localhost:4010";
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger invocations = new AtomicInteger();
    private LocalServer server;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(dir.resolve("index.html"), "<!doctype html><title>console</title>");
        Files.writeString(dir.resolve("console.js"), "console.log('hi')");
        Files.writeString(dir.getParent().resolve("outside.txt"), "secret");
        server = LocalServer.start(0, (event, context) -> {
            invocations.incrementAndGet();
            return new APIGatewayProxyResponseEvent().withStatusCode(200).withBody("{}");
        }, null).serveConsole(ConsoleFiles.fromEnvironment(Map.of(ConsoleFiles.DIR_VARIABLE, dir.toString()), Path.of("/"), "eu-west-1"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theIndexIsServedAtTheConsolePathWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = send("GET", "/console/");
        assertEquals(200, page.statusCode());
        assertEquals("<!doctype html><title>console</title>", page.body());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'", page.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElseThrow());
        assertEquals(0, invocations.get(), "the function is not invoked for the console");
    }

    @Test
    void aScriptIsServedAsJavaScript() throws Exception {
        HttpResponse<String> script = send("GET", "/console/console.js");
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void theConsolePathWithoutItsSlashRedirects() throws Exception {
        HttpResponse<String> moved = send("GET", "/console");
        assertEquals(301, moved.statusCode());
        assertEquals("/console/", moved.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void theConfigNamesTheRegionAndNoEndpointSoTheConsoleCallsItsOwnOrigin() throws Exception {
        HttpResponse<String> config = send("GET", "/console/config.json");
        assertEquals(200, config.statusCode());
        assertEquals("{\"region\":\"eu-west-1\"}", config.body());
    }

    @Test
    void theConfigNamesAnotherEndpointWhenOneIsSetAndThePolicyAdmitsItsOrigin() throws Exception {
        server.serveConsole(ConsoleFiles.fromEnvironment(Map.of(ConsoleFiles.DIR_VARIABLE, dir.toString(),
                ConsoleFiles.API_ENDPOINT_VARIABLE, "http://127.0.0.1:4010/v1"), Path.of("/"), "us-east-1"));
        HttpResponse<String> config = send("GET", "/console/config.json");
        assertEquals("{\"region\":\"us-east-1\",\"endpoint\":\"http://127.0.0.1:4010/v1\"}", config.body());
        assertTrue(config.headers().firstValue("Content-Security-Policy").orElseThrow().contains("connect-src 'self' http://127.0.0.1:4010;"));
    }

    @Test
    void nothingOutsideTheDirectoryIsServed() throws Exception {
        for (String path : new String[] {"/console/../outside.txt", "/console/%2e%2e/outside.txt", "/console/..%2Foutside.txt",
                "/console/missing.js", "/console/.hidden"}) {
            assertEquals(404, send("GET", path).statusCode(), path);
        }
    }

    @Test
    void theConsoleIsReadOnly() throws Exception {
        HttpResponse<String> post = send("POST", "/console/index.html");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void withoutAConsoleOriginAPreflightGetsApiGatewaysAnswerForAMethodItLacks() throws Exception {
        HttpResponse<String> preflight = send("OPTIONS", "/");
        assertEquals(403, preflight.statusCode());
        assertEquals("{\"message\":\"Missing Authentication Token\"}", preflight.body());
    }

    @Test
    void thePreflightIsAnsweredForTheConsolesOriginAtTheRootAndTheStage() throws Exception {
        server.answerPreflights(new ConsoleCors(ORIGIN));
        for (String path : new String[] {"/", "/v1", "/v1/"}) {
            HttpResponse<String> preflight = send("OPTIONS", path);
            assertEquals(204, preflight.statusCode(), path);
            assertEquals(ORIGIN, preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
            assertEquals(String.join(",", ConsoleCors.ALLOWED_HEADERS),
                    preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
        }
        assertEquals(0, invocations.get(), "a preflight never reaches the function");
    }
}
