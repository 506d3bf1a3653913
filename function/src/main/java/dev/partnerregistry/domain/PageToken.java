package dev.partnerregistry.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * NextToken for ListPartnerEventSources and ListEventSources: opaque to the caller, signed with HMAC-SHA256 so that any
 * change is detected, bound to the NamePrefix it was issued for, and valid for a day.
 * Layout: base64url(version '\n' issuedAt '\n' namePrefix '\n' lastName '\n' window) '.' base64url(mac),
 * the window being what the store asked the next page to read. A version 1 token (before the window was
 * carried) is still read, for its day.
 */
public final class PageToken {

    static final Duration LIFETIME = Duration.ofHours(24);
    private static final String VERSION = "2";
    private static final String VERSION_WITHOUT_WINDOW = "1";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Supplier<byte[]> key;
    /** Never used itself, only cloned: a Mac is not safe for concurrent use. */
    private volatile Mac keyed;

    /** The key is fetched on first use, so that operations without paging never pay for it. */
    public PageToken(Supplier<byte[]> key) {
        this.key = key;
    }

    public String issue(String namePrefix, PartnerSourceStore.Resume resume, Instant now) {
        byte[] payload = String.join("\n", VERSION, Long.toString(now.getEpochSecond()), namePrefix, resume.afterName(),
                Integer.toString(resume.window())).getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(payload));
    }

    /** Where the previous page left off, or a ValidationException if the token is not one we issued for this prefix. */
    public PartnerSourceStore.Resume resumeOf(String token, String namePrefix, Instant now) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            throw invalid();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException notBase64) {
            throw invalid();
        }
        // The decoder ignores a last character's unused bits: only the exact text we issued is a token.
        if (!ENCODER.encodeToString(payload).equals(token.substring(0, dot))
                || !ENCODER.encodeToString(signature).equals(token.substring(dot + 1))) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) {
            throw invalid();
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        boolean current = fields.length == 5 && fields[0].equals(VERSION);
        boolean withoutWindow = fields.length == 4 && fields[0].equals(VERSION_WITHOUT_WINDOW);
        if (!(current || withoutWindow) || !fields[2].equals(namePrefix)) {
            throw invalid();
        }
        long issuedAt;
        int window;
        try {
            issuedAt = Long.parseLong(fields[1]);
            window = current ? Integer.parseInt(fields[4]) : PartnerSourceStore.Resume.DEFAULT_WINDOW;
        } catch (NumberFormatException signedButNotOurs) {
            throw invalid();
        }
        if (Instant.ofEpochSecond(issuedAt).plus(LIFETIME).isBefore(now)) {
            throw invalid();
        }
        return new PartnerSourceStore.Resume(fields[3], window);
    }

    public static RegistryException.Validation invalid() {
        return new RegistryException.Validation("The NextToken is invalid or has expired.");
    }

    private byte[] mac(byte[] payload) {
        try {
            return keyed().doFinal(payload);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }

    /** A Mac keyed once and cloned per token: no provider lookup and key setup per request. */
    private Mac keyed() throws CloneNotSupportedException {
        Mac current = keyed;
        if (current == null) {
            try {
                current = Mac.getInstance("HmacSHA256");
                current.init(new SecretKeySpec(key.get(), "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
            keyed = current;
        }
        return (Mac) current.clone();
    }
}
