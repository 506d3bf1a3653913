package dev.partnerregistry.domain;

/**
 * The closed set of errors the registry answers with. Each subtype is exactly one EventBridge
 * error code; {@link #errorCode()} is what goes on the wire as {@code __type}.
 */
public abstract sealed class RegistryException extends RuntimeException {

    private final String errorCode;
    private final int httpStatus;

    private RegistryException(String errorCode, int httpStatus, String message) {
        // No stack trace: these are answers, not faults, and are raised on the hot path.
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    public String errorCode() {
        return errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static final class Validation extends RegistryException {
        public Validation(String message) {
            super("ValidationException", 400, message);
        }
    }

    public static final class ResourceAlreadyExists extends RegistryException {
        public ResourceAlreadyExists(String name) {
            super("ResourceAlreadyExistsException", 400, "Event source " + name + " already exists.");
        }
    }

    public static final class ResourceNotFound extends RegistryException {
        public ResourceNotFound(String name) {
            super("ResourceNotFoundException", 400, "Event source " + name + " does not exist.");
        }
    }

    public static final class LimitExceeded extends RegistryException {
        public LimitExceeded(String partner) {
            super("LimitExceededException", 400,
                    "The partner " + partner + " has reached its limit of partner event sources.");
        }
    }

    public static final class OperationDisabled extends RegistryException {
        public OperationDisabled() {
            super("OperationDisabledException", 400, "The operation you are attempting is not available in this region.");
        }
    }

    public static final class ConcurrentModification extends RegistryException {
        public ConcurrentModification() {
            super("ConcurrentModificationException", 400,
                    "There is concurrent modification on this resource. Retry the request.");
        }
    }

    public static final class AccessDenied extends RegistryException {
        public AccessDenied(String principal, RegistryOperation operation, String resourceArn) {
            super("AccessDeniedException", 400, "User: " + (principal == null ? "anonymous" : principal)
                    + " is not authorized to perform: events:" + operation.operationName()
                    + " on resource: " + resourceArn);
        }
    }

    public static final class Throttling extends RegistryException {
        public Throttling() {
            super("ThrottlingException", 400, "Rate exceeded");
        }
    }

    /** Anything unexpected. The message never carries internals; the cause is logged, not returned. */
    public static final class Internal extends RegistryException {
        public Internal() {
            super("InternalException", 500, "An internal error occurred. Retry the request.");
        }
    }

    /** The body is not a JSON object, or a member has the wrong JSON type (AWS JSON 1.1 protocol). */
    public static final class Serialization extends RegistryException {
        public Serialization(String message) {
            super("SerializationException", 400, message);
        }
    }

    /** The X-Amz-Target names no operation of this service. */
    public static final class UnknownOperation extends RegistryException {
        public UnknownOperation() {
            super("UnknownOperationException", 400, null);
        }
    }
}
