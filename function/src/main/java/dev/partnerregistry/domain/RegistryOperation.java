package dev.partnerregistry.domain;

import java.util.Optional;

/** The partner-side and customer-side operations; the name is the one in X-Amz-Target, IAM actions and region switches. */
public enum RegistryOperation {
    CREATE_PARTNER_EVENT_SOURCE("CreatePartnerEventSource"),
    DESCRIBE_PARTNER_EVENT_SOURCE("DescribePartnerEventSource"),
    LIST_PARTNER_EVENT_SOURCES("ListPartnerEventSources"),
    LIST_PARTNER_EVENT_SOURCE_ACCOUNTS("ListPartnerEventSourceAccounts"),
    DELETE_PARTNER_EVENT_SOURCE("DeletePartnerEventSource"),
    LIST_EVENT_SOURCES("ListEventSources"),
    DESCRIBE_EVENT_SOURCE("DescribeEventSource"),
    ACTIVATE_EVENT_SOURCE("ActivateEventSource"),
    DEACTIVATE_EVENT_SOURCE("DeactivateEventSource"),
    CREATE_EVENT_BUS("CreateEventBus"),
    DELETE_EVENT_BUS("DeleteEventBus"),
    DESCRIBE_EVENT_BUS("DescribeEventBus"),
    PUT_PARTNER_EVENTS("PutPartnerEvents");

    /** What X-Amz-Target puts before the operation's name: EventBridge's JSON target prefix. */
    public static final String TARGET_PREFIX = "AWSEvents.";

    private final String operationName;

    RegistryOperation(String operationName) {
        this.operationName = operationName;
    }

    public String operationName() {
        return operationName;
    }

    /** The operation of that exact name, if there is one. */
    public static Optional<RegistryOperation> find(String operationName) {
        for (RegistryOperation operation : values()) {
            if (operation.operationName.equals(operationName)) {
                return Optional.of(operation);
            }
        }
        return Optional.empty();
    }

    public static RegistryOperation named(String operationName) {
        return find(operationName).orElseThrow(() -> new IllegalArgumentException("Unknown operation " + operationName));
    }
}
