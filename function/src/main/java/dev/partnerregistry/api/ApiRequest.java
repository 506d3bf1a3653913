package dev.partnerregistry.api;

import dev.partnerregistry.domain.Caller;
import java.util.function.Supplier;

/**
 * One AWS JSON 1.1 request as the protocol reads it, whatever carried it (API Gateway's proxy
 * event, a local server).
 *
 * @param target         the {@code X-Amz-Target} header, or null
 * @param contentType    the {@code Content-Type} header, or null
 * @param body           the body's bytes as received; may throw a {@code RegistryException} if it cannot be read
 * @param authentication who is calling; may throw the {@code RegistryException} that refuses the request
 * @param requestId      the id of this request, echoed as {@code x-amzn-RequestId}
 * @param callId         the {@value AwsJsonProtocol#CALL_ID_HEADER} header, or null
 */
public record ApiRequest(String target, String contentType, Supplier<byte[]> body, Authentication authentication, String requestId,
                         String callId) {

    /** Finds the caller, or refuses the request with the error AWS would answer. Called once, before anything else. */
    @FunctionalInterface
    public interface Authentication {
        Caller caller();

        /** A caller authenticated before the request got here (API Gateway's AWS_IAM authorization, a test). */
        static Authentication as(Caller caller) {
            return () -> caller;
        }
    }
}
