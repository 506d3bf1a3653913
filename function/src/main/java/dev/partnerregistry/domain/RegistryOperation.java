package dev.partnerregistry.domain;

/** The partner-side operations; the name is the one in X-Amz-Target, IAM actions and region switches. */
public enum RegistryOperation {
    CREATE_PARTNER_EVENT_SOURCE("CreatePartnerEventSource"),
    DESCRIBE_PARTNER_EVENT_SOURCE("DescribePartnerEventSource"),
    LIST_PARTNER_EVENT_SOURCES("ListPartnerEventSources"),
    LIST_PARTNER_EVENT_SOURCE_ACCOUNTS("ListPartnerEventSourceAccounts"),
    DELETE_PARTNER_EVENT_SOURCE("DeletePartnerEventSource");

    private final String operationName;

    RegistryOperation(String operationName) {
        this.operationName = operationName;
    }

    public String operationName() {
        return operationName;
    }

    public static RegistryOperation named(String operationName) {
        for (RegistryOperation operation : values()) {
            if (operation.operationName.equals(operationName)) {
                return operation;
            }
        }
        throw new IllegalArgumentException("Unknown operation " + operationName);
    }
}
