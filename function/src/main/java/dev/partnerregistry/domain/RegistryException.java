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
    }

    public static final class ResourceNotFound extends RegistryException {
        public ResourceNotFound(String name) {
            super("ResourceNotFoundException", "Event source " + name + " does not exist.");
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

    /** The X-Amz-Target names no operation of this service. */
    public static final class UnknownOperation extends RegistryException {
        public UnknownOperation() {
            super("UnknownOperationException", null);
        }
    }
}
