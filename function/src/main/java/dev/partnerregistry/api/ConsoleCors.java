package dev.partnerregistry.api;

import dev.partnerregistry.RegistrySettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web console's access to the API from its own origin (CORS). The console signs each call in the browser with
 * the AWS SDK for JavaScript and calls the API from another origin (its CloudFront distribution), so the browser
 * asks first (a preflight, answered by API Gateway, or locally by the server, with {@link #ALLOWED_HEADERS}) and
 * then reads an answer only if it names the console's origin: which the function adds here, for that origin alone.
 *
 * @param origin {@code CONSOLE_ORIGIN} (RegistrySettings): the console's origin ({@code https://d111111abcdef8.cloudfront.net}),
 *               or null: no origin is admitted, and answers carry no CORS header
 */
public record ConsoleCors(String origin) {

    public static final String ORIGIN_VARIABLE = RegistrySettings.Variable.CONSOLE_ORIGIN.name();
    /**
     * What the AWS SDK for JavaScript v3 sets on each EventBridge call from a browser, beyond what the browser sets
     * itself (Host, Content-Length): all of them signed. Exactly these, lower-case and sorted, as Chromium lists them
     * in {@code Access-Control-Request-Headers} (the console's browser test checks it).
     */
    public static final List<String> ALLOWED_HEADERS = List.of("amz-sdk-invocation-id", "amz-sdk-request", "authorization",
            "content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-target", "x-amz-user-agent");
    /** The answer's headers the SDK reads besides the body: the request id and the error type. */
    public static final List<String> EXPOSED_HEADERS = List.of("x-amzn-RequestId", "x-amzn-ErrorType");
    public static final String ALLOWED_METHODS = "POST";
    /** How long a browser may reuse a preflight's answer (Chromium caps it at 7200). */
    public static final int MAX_AGE_SECONDS = 3600;

    public ConsoleCors {
        origin = origin == null || origin.isBlank() ? null : origin.trim();
    }

    public static ConsoleCors none() {
        return new ConsoleCors(null);
    }

    /** The console of these settings' CONSOLE_ORIGIN. */
    public static ConsoleCors of(RegistrySettings settings) {
        return new ConsoleCors(settings.consoleOrigin());
    }

    /** Whether a request from {@code requestOrigin} (its Origin header, null if none) is the console's. */
    public boolean admits(String requestOrigin) {
        return origin != null && origin.equals(requestOrigin);
    }

    /** The headers an answer to a request from {@code requestOrigin} gets: none unless it is the console's. */
    public Map<String, String> answerHeaders(String requestOrigin) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (admits(requestOrigin)) {
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Access-Control-Expose-Headers", String.join(", ", EXPOSED_HEADERS));
            headers.put("Vary", "Origin");
        }
        return headers;
    }

    /** The answer to a preflight, as the API's OPTIONS method gives it: for the console's origin only. */
    public Map<String, String> preflightHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", origin);
        headers.put("Access-Control-Allow-Methods", ALLOWED_METHODS);
        headers.put("Access-Control-Allow-Headers", String.join(",", ALLOWED_HEADERS));
        headers.put("Access-Control-Max-Age", Integer.toString(MAX_AGE_SECONDS));
        headers.put("Vary", "Origin");
        return headers;
    }
}
