package dev.partnerregistry.domain;

/**
 * What a customer-side store operation must enforce with its read or write: that the operation is
 * enabled in this region, and that {@code caller} is granted the customer side of {@code account}
 * (the account of its principal) by the operator. Which sources the caller sees is decided by the
 * account: a source offered to another account does not exist for it, and neither does any source
 * for a caller the account has not granted.
 */
public record CustomerAccess(String region, RegistryOperation operation, String account, Caller caller) {
}
