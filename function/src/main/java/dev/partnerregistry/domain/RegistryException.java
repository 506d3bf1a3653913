package dev.partnerregistry.domain;

/**
 * The closed set of errors the registry answers with. Each subtype is exactly one EventBridge
 * error code; {@link #errorCode()} is what goes on the wire as {@code __type}. How an error travels
 * (HTTP status, envelope) is the protocol's business, not the domain's.
 */
public abstract sealed class RegistryException extends RuntimeException {

    private final String errorCode;

    private RegistryException(String errorCode, String message) {
        this(errorCode, message, null);
    }

    private RegistryException(String errorCode, String message, Throwable cause) {
        // No stack trace: these are answers, not faults, and are raised on the hot path.
        super(message, cause, false, false);
        this.errorCode = errorCode;
    }

    public String errorCode() {
        return errorCode;
    }

    public static final class Validation extends RegistryException {
        public Validation(String message) {
            super("ValidationException", message);
        }
    }

    public static final class ResourceAlreadyExists extends RegistryException {
        public ResourceAlreadyExists(String name) {
            super("ResourceAlreadyExistsException", "Event source " + name + " already exists.");
        }

        private ResourceAlreadyExists(String message, boolean unused) {
            super("ResourceAlreadyExistsException", message);
        }

        public static ResourceAlreadyExists bus(String name) {
            return new ResourceAlreadyExists("Event bus " + name + " already exists.", true);
        }
    }

    public static final class ResourceNotFound extends RegistryException {
        public ResourceNotFound(String name) {
            super("ResourceNotFoundException", "Event source " + name + " does not exist.");
        }

        private ResourceNotFound(String message, boolean unused) {
            super("ResourceNotFoundException", message);
        }

        public static ResourceNotFound bus(String name) {
            return new ResourceNotFound("Event bus " + name + " does not exist.", true);
        }

        /** EventBridge's words when a source's activation finds no source or no matching bus. */
        public static ResourceNotFound sourceOrBus(String name) {
            return new ResourceNotFound("Event source " + name + " or event bus " + name + " does not exist.", true);
        }
    }

    /** The source's state does not allow the change asked for (activate an ACTIVE one, anything on a DELETED one). */
    public static final class InvalidState extends RegistryException {
        public InvalidState(String name, PartnerEventSource.SourceState state) {
            super("InvalidStateException", "Event source " + name + " is " + state + ".");
        }
    }

    public static final class LimitExceeded extends RegistryException {
        public LimitExceeded(String partner) {
            super("LimitExceededException",
                    "The partner " + partner + " has reached its limit of partner event sources.");
        }
    }

    public static final class OperationDisabled extends RegistryException {
        public OperationDisabled() {
            super("OperationDisabledException", "The operation you are attempting is not available in this region.");
        }
    }

    public static final class ConcurrentModification extends RegistryException {
        public ConcurrentModification() {
            super("ConcurrentModificationException",
                    "There is concurrent modification on this resource. Retry the request.");
        }
    }

    public static final class AccessDenied extends RegistryException {
        public AccessDenied(String principal, RegistryOperation operation, String resourceArn) {
            super("AccessDeniedException", "User: " + (principal == null ? "anonymous" : principal)
                    + " is not authorized to perform: events:" + operation.operationName()
                    + " on resource: " + resourceArn);
        }
    }

    public static final class Throttling extends RegistryException {
        public Throttling() {
            super("ThrottlingException", "Rate exceeded");
        }
    }

    /**
     * Anything unexpected. The message never carries internals; the cause travels with the
     * exception to the one place that logs it (with the request id), and is never returned.
     */
    public static final class Internal extends RegistryException {
        public Internal(Throwable cause) {
            super("InternalException", "An internal error occurred. Retry the request.", cause);
        }
    }

    /** The body is not a JSON object, or a member has the wrong JSON type (AWS JSON 1.1 protocol). */
    public static final class Serialization extends RegistryException {
        public Serialization(String message) {
            super("SerializationException", message);
        }
    }

    /** The request carries no SigV4 signature at all. */
    public static final class MissingAuthenticationToken extends RegistryException {
        public MissingAuthenticationToken() {
            super("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
    }

    /**
     * The access key is unknown, inactive or deleted, or the request carries a session token. AWS's two
     * wordings differ by the final period: with it for a key, without it for a session token.
     */
    public static final class UnrecognizedClient extends RegistryException {
        private UnrecognizedClient(String message) {
            super("UnrecognizedClientException", message);
        }

        public static UnrecognizedClient unknownKey() {
            return new UnrecognizedClient("The security token included in the request is invalid.");
        }

        public static UnrecognizedClient sessionToken() {
            return new UnrecognizedClient("The security token included in the request is invalid");
        }
    }

    /** The signature does not match, is too old or too new, is scoped elsewhere, or leaves a required header unsigned. */
    public static final class InvalidSignature extends RegistryException {
        public InvalidSignature(String message) {
            super("InvalidSignatureException", message);
        }
    }

    /** The Authorization header lacks a part SigV4 needs, or cannot be read. */
    public static final class IncompleteSignature extends RegistryException {
        public IncompleteSignature(String message) {
            super("IncompleteSignatureException", message);
        }
    }

    /** The X-Amz-Target names no operation of this service. */
    public static final class UnknownOperation extends RegistryException {
        /** @param target the X-Amz-Target as sent (quoted, cut as validation messages cut values), or null when none was */
        public UnknownOperation(String target) {
            super("UnknownOperationException", (target == null ? "No operation named: the request has no X-Amz-Target header."
                    : "Operation " + Constraints.quoted(target) + " is not supported by this registry.")
                    + " Supported: " + supported() + ".");
        }

        private static String supported() {
            StringBuilder names = new StringBuilder();
            for (RegistryOperation operation : RegistryOperation.values()) {
                names.append(names.length() == 0 ? "" : ", ").append(RegistryOperation.TARGET_PREFIX).append(operation.operationName());
            }
            return names.toString();
        }
    }
}
