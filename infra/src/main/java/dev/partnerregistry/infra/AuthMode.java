package dev.partnerregistry.infra;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Who checks a caller's SigV4 signature, and so what a partner signs with. The function reads
 * the same value from {@code AUTH_MODE}; a test holds the two spellings together.
 */
public enum AuthMode {

    /**
     * The default. Partners sign for the {@code events} service, as the stock AWS CLI and SDKs
     * do, with access keys the registry issues; the function verifies each signature against
     * the key's secret (kept in the table under KMS) and learns the caller from the key. API
     * Gateway cannot do this (its AWS_IAM authorization only accepts {@code execute-api}
     * signatures made with IAM credentials), so the method has no authorization of its own.
     */
    REGISTRY_KEYS("registry-keys"),

    /**
     * API Gateway's AWS_IAM authorization: partners sign for {@code execute-api} with their own
     * IAM credentials, and the function trusts the caller ARN API Gateway verified.
     */
    AWS_IAM("aws-iam");

    private final String setting;

    AuthMode(String setting) {
        this.setting = setting;
    }

    /** The value as written in context ({@code -c authMode=...}) and in the function's {@code AUTH_MODE}. */
    public String setting() {
        return setting;
    }

    public static AuthMode fromSetting(String value) {
        for (AuthMode mode : values()) {
            if (mode.setting.equals(value.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("authMode must be one of "
                + Arrays.stream(values()).map(AuthMode::setting).collect(Collectors.joining(", "))
                + ", was '" + value + "'");
    }
}
