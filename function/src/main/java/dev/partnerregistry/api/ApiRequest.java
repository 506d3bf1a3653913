package dev.partnerregistry.api;

import dev.partnerregistry.domain.Caller;
import java.util.function.Supplier;

/**
 * One AWS JSON 1.1 request as the protocol reads it, whatever carried it (API Gateway's proxy
 * event, a local server).
 *
 * @param target      the {@code X-Amz-Target} header, or null
 * @param contentType the {@code Content-Type} header, or null
 * @param body        the body; may throw a {@code RegistryException} if it cannot be read
 * @param caller      who is calling, as authenticated before the request got here
 * @param requestId   the id of this request, echoed as {@code x-amzn-RequestId}
 * @param callId      the {@value AwsJsonProtocol#CALL_ID_HEADER} header, or null
 */
public record ApiRequest(String target, String contentType, Supplier<String> body, Caller caller, String requestId, String callId) {
}
