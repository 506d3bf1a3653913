package dev.partnerregistry.domain;

/**
 * What a store operation must enforce in the same request as its read or write: that the
 * operation is enabled in this region and that the caller is registered for the partner.
 */
public record Access(String region, RegistryOperation operation, String partner, Caller caller, String resourceArn) {

    public RegistryException.AccessDenied denied() {
        return new RegistryException.AccessDenied(caller.principalArn(), operation, resourceArn);
    }
}
