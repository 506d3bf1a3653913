package dev.partnerregistry.domain;

/** Where the secret that signs NextTokens comes from: the same for every instance of the service. */
@FunctionalInterface
public interface PageTokenKey {

    byte[] secret();
}
