package dev.partnerregistry.domain;

/**
 * What a customer-side store operation must enforce with its read or write: that the operation is
 * enabled in this region. Which sources the caller sees is decided by {@code account}, the account
 * of the caller's principal: a source offered to another account does not exist for it.
 */
public record CustomerAccess(String region, RegistryOperation operation, String account) {
}
