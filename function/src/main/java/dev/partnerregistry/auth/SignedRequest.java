package dev.partnerregistry.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as its client sent and signed it: the method, the path as the client wrote it (raw,
 * still percent-encoded; behind API Gateway's default endpoint the stage prefix included), the
 * decoded query parameters, the headers by lower-case name with every value, and the exact body.
 *
 * @param host the host this endpoint serves (API Gateway's {@code requestContext.domainName}, the
 *             local server's own address): the signed {@code Host} header must name it
 */
public record SignedRequest(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
                            byte[] body, String host) {

    public SignedRequest {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name != null && values != null) {
                    lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values);
                }
            });
        }
        headers = Collections.unmodifiableMap(lower);
        query = query == null ? Map.of() : query;
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
