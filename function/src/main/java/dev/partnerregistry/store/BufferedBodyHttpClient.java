package dev.partnerregistry.store;

import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * An {@link SdkHttpClient} over the SDK's URLConnection client that has the JDK send each request body buffered
 * instead of streamed.
 *
 * <p>Why: the URLConnection client streams every body whose Content-Length it knows (all of the DynamoDB client's),
 * and before the JDK's {@code HttpURLConnection} sends a streamed POST on a kept-alive connection, it probes that
 * connection with a read that waits 1 ms and ends in a {@code SocketTimeoutException}
 * ({@code sun.net.www.http.HttpClient.available}, JDK 17 to 25). Every DynamoDB call of a warm instance paid that
 * millisecond and that exception: on a local stub, 1,507 us wall and 330 us CPU a call streamed, 374 us and 244 us
 * buffered (README, Performance).
 *
 * <p>How: without the request's Content-Length header, {@code HttpURLConnection} buffers the body (which the SDK
 * already holds in memory) and writes that header itself, with the same value, so the SigV4 signature that covers
 * it still holds. Only a request with a body loses the header: without one, the JDK would send none in its place.
 *
 * <p>What comes with it: {@code HttpURLConnection} sends a buffered POST once more, at once and on a new connection,
 * when reading its answer fails other than by a timeout (a reset, or the connection closed before a status line):
 * a kept-alive connection the server had closed, but also a request the server had already applied. So each SDK
 * attempt is up to two sends, the second unseen by the SDK's retry count and by {@link DynamoDbRequestCounter}. It
 * is the same request, with the same {@code amz-sdk-invocation-id} and transaction {@code ClientRequestToken}: what
 * the SDK's own retry of an {@code IOException} sends, and what the store's writes already allow for (conditions, a
 * create's check of its call id). The call timeout still bounds the whole call.
 */
final class BufferedBodyHttpClient implements SdkHttpClient {

    private static final String CONTENT_LENGTH = "Content-Length";

    private final SdkHttpClient http;

    BufferedBodyHttpClient(SdkHttpClient http) {
        this.http = http;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        SdkHttpRequest httpRequest = request.httpRequest();
        if (request.contentStreamProvider().isEmpty() || httpRequest.firstMatchingHeader(CONTENT_LENGTH).isEmpty()) {
            return http.prepareRequest(request);
        }
        return http.prepareRequest(HttpExecuteRequest.builder()
                .request(httpRequest.toBuilder().removeHeader(CONTENT_LENGTH).build())
                .contentStreamProvider(request.contentStreamProvider().orElse(null))
                .metricCollector(request.metricCollector().orElse(null))
                .build());
    }

    @Override
    public String clientName() {
        return http.clientName();
    }

    @Override
    public void close() {
        http.close();
    }
}
