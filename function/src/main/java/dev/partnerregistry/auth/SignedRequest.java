package dev.partnerregistry.auth;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as its client sent and signed it: the method, the path as the client wrote it (raw,
 * still percent-encoded; behind API Gateway's default endpoint the stage prefix included), the
 * decoded query parameters, the headers by lower-case name with every value, and the exact body.
 *
 * @param headers as given, any map of a name to its values, or the {@link RequestHeaders} read from the
 *                proxy event, which is kept as it is; {@link #headers()} is always a RequestHeaders
 * @param host    the host this endpoint serves (API Gateway's {@code requestContext.domainName}, the
 *                local server's own address): the signed {@code Host} header must name it
 */
public record SignedRequest(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
                            byte[] body, String host) {

    public SignedRequest {
        headers = RequestHeaders.fromMultiValue(headers);
        query = query == null ? Map.of() : query;
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        return lowerCaseHeader(name.toLowerCase(Locale.ROOT));
    }

    /** {@link #header} for a name already in lower case, as the verifier's are. */
    String lowerCaseHeader(String lowerCaseName) {
        return table().firstListed(lowerCaseName);
    }

    RequestHeaders table() {
        return (RequestHeaders) headers;
    }
}
