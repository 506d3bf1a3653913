package dev.partnerregistry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.domain.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * What the verifier answers for each request, signed here by the AWS SDK for Java's own SigV4
 * signer exactly as EventBridgeClient signs: the caller for a good signature, and for each failure
 * AWS's error code and message.
 */
class SignatureVerifierTest {

    static final String KEY_ID = "PRKAEXAMPLEEXAMPLE01";
    static final String SECRET = "exampleSecretExampleSecretExampleSecret0";
    static final String PRINCIPAL = "arn:aws:iam::123456789012:user/partner";
    static final String HOST = "abc123.execute-api.us-east-1.amazonaws.com";
    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    static final String BODY = "{\"Name\":\"aws.partner/example.com/orders\"}";

    private final Map<String, AccessKey> keys = new LinkedHashMap<>(Map.of(
            KEY_ID, new AccessKey(KEY_ID, PRINCIPAL, true, SECRET),
            "PRKAINACTIVEEXAMPLE1", new AccessKey("PRKAINACTIVEEXAMPLE1", PRINCIPAL, false, null)));
    private final List<String> usesRecorded = new ArrayList<>();
    private final SignatureVerifier verifier = new SignatureVerifier(new AccessKeys() {
        @Override
        public Optional<AccessKey> find(String accessKeyId) {
            return Optional.ofNullable(keys.get(accessKeyId));
        }

        @Override
        public void recordUse(String accessKeyId, Instant at) {
            usesRecorded.add(accessKeyId + "@" + at);
        }
    }, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aRequestSignedByTheSdkWithAnActiveKeyIsItsPrincipal() {
        assertEquals(PRINCIPAL, verifier.verify(signed()).principalArn());
        assertEquals(List.of(KEY_ID + "@" + NOW), usesRecorded);
    }

    @Test
    void theStagePrefixIsPartOfWhatIsSigned() {
        assertEquals(PRINCIPAL, verifier.verify(signed(KEY_ID, SECRET, NOW, "us-east-1", "events", "/v1/", r -> r)).principalArn());
    }

    @Test
    void noAuthorizationHeaderIsMissingAuthenticationToken() {
        assertRefused("MissingAuthenticationTokenException", "Missing Authentication Token", without(signed(), "authorization"));
    }

    @Test
    void anAuthorizationWithoutItsPartsIsIncompleteSignatureNamingEachMissingPart() {
        SignedRequest request = with(signed(), "authorization", "AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/20261127/us-east-1/events/aws4_request");
        assertRefused("IncompleteSignatureException", "Authorization header requires 'Signature' parameter. "
                + "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential="
                + KEY_ID + "/20261127/us-east-1/events/aws4_request", request);
    }

    @Test
    void anotherSchemeAltogetherIsIncompleteSignature() {
        assertRefused("IncompleteSignatureException", "Authorization header requires 'Credential' parameter. "
                + "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
                + "Authorization=Bearer abc", with(signed(), "authorization", "Bearer abc"));
    }

    @Test
    void aPartWithoutAnEqualSignIsIncompleteSignature() {
        String authorization = "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders, Signature=00";
        assertRefused("IncompleteSignatureException", "'SignedHeaders' not a valid key=value pair (missing equal-sign) in "
                + "Authorization header: '" + authorization + "'.", with(signed(), "authorization", authorization));
    }

    @Test
    void aSecondSignatureAfterAGoodOneIsIncompleteSignatureNotTheFirstOneWinning() {
        String authorization = signed().header("authorization") + ", Signature=00";
        assertRefused("IncompleteSignatureException", "'Signature' appears more than once in Authorization header: '" + authorization + "'.",
                with(signed(), "authorization", authorization));
    }

    @Test
    void aSecondCredentialIsIncompleteSignature() {
        String authorization = signed().header("authorization") + ", Credential=PRKAOTHER/20261127/us-east-1/events/aws4_request";
        assertRefused("IncompleteSignatureException", "'Credential' appears more than once in Authorization header: '" + authorization + "'.",
                with(signed(), "authorization", authorization));
    }

    @Test
    void aParameterSigV4DoesNotDefineIsIncompleteSignature() {
        String authorization = signed().header("authorization") + ", Expires=60";
        assertRefused("IncompleteSignatureException", "'Expires' is not a valid parameter (only Credential, SignedHeaders and Signature) "
                + "in Authorization header: '" + authorization + "'.", with(signed(), "authorization", authorization));
    }

    @Test
    void noDateAtAllIsIncompleteSignature() {
        SignedRequest request = without(signed(), "x-amz-date");
        RegistryException refused = assertThrows(RegistryException.class, () -> verifier.verify(request));
        assertEquals("IncompleteSignatureException", refused.errorCode());
        assertEquals(true, refused.getMessage().startsWith(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "));
    }

    @Test
    void anUnsignedHostIsInvalidSignature() {
        assertRefused("InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
                signedHeadersReplaced("content-type;x-amz-date;x-amz-target"));
    }

    @Test
    void anUnsignedTargetIsInvalidSignatureSoNoSignatureCanBeReplayedAsAnotherOperation() {
        assertRefused("InvalidSignatureException", "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
                signedHeadersReplaced("content-type;host;x-amz-date"));
    }

    @Test
    void anUnsignedContentTypeIsInvalidSignature() {
        assertRefused("InvalidSignatureException", "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.",
                signedHeadersReplaced("host;x-amz-date;x-amz-target"));
    }

    @Test
    void aSignatureMoreThanFifteenMinutesOldHasExpired() {
        assertRefused("InvalidSignatureException", "Signature expired: 20261127T094459Z is now earlier than 20261127T094500Z "
                + "(20261127T100000Z - 15 min.)", signed(KEY_ID, SECRET, NOW.minus(Duration.ofMinutes(15)).minusSeconds(1), "us-east-1",
                "events", "/", r -> r));
    }

    @Test
    void aSignatureMoreThanFifteenMinutesAheadIsNotYetCurrent() {
        assertRefused("InvalidSignatureException", "Signature not yet current: 20261127T101501Z is still later than 20261127T101500Z "
                + "(20261127T100000Z + 15 min.)", signed(KEY_ID, SECRET, NOW.plus(Duration.ofMinutes(15)).plusSeconds(1), "us-east-1",
                "events", "/", r -> r));
    }

    @Test
    void fifteenMinutesEitherWayIsStillOnTime() {
        verifier.verify(signed(KEY_ID, SECRET, NOW.minus(Duration.ofMinutes(15)), "us-east-1", "events", "/", r -> r));
        verifier.verify(signed(KEY_ID, SECRET, NOW.plus(Duration.ofMinutes(15)), "us-east-1", "events", "/", r -> r));
    }

    @Test
    void aScopeInAnotherRegionIsInvalidSignature() {
        assertRefused("InvalidSignatureException", "Credential should be scoped to a valid region. ",
                signed(KEY_ID, SECRET, NOW, "eu-west-1", "events", "/", r -> r));
    }

    @Test
    void aScopeForAnotherServiceIsInvalidSignatureEvenExecuteApi() {
        assertRefused("InvalidSignatureException", "Credential should be scoped to correct service: 'events'. ",
                signed(KEY_ID, SECRET, NOW, "us-east-1", "execute-api", "/", r -> r));
    }

    @Test
    void anUnknownKeyIsUnrecognizedClient() {
        assertRefused("UnrecognizedClientException", "The security token included in the request is invalid.",
                signed("PRKAUNKNOWNEXAMPLE01", SECRET, NOW, "us-east-1", "events", "/", r -> r));
    }

    @Test
    void anInactiveKeyIsUnrecognizedClient() {
        assertRefused("UnrecognizedClientException", "The security token included in the request is invalid.",
                signed("PRKAINACTIVEEXAMPLE1", SECRET, NOW, "us-east-1", "events", "/", r -> r));
    }

    @Test
    void aSessionTokenIsUnrecognizedClientInItsOwnWords() {
        SignedRequest request = signed(KEY_ID, SECRET, NOW, "us-east-1", "events", "/", r -> r.putHeader("X-Amz-Security-Token", "token"));
        assertRefused("UnrecognizedClientException", "The security token included in the request is invalid", request);
    }

    @Test
    void theSignatureIsReadInEitherCase() {
        SignedRequest good = signed();
        String authorization = good.header("authorization");
        int at = authorization.indexOf("Signature=") + "Signature=".length();
        String upper = authorization.substring(0, at) + authorization.substring(at).toUpperCase(java.util.Locale.ROOT);
        assertEquals(PRINCIPAL, verifier.verify(with(good, "authorization", upper)).principalArn());
    }

    @Test
    void aSignatureThatIsNot64HexDigitsIsASignatureMismatch() {
        SignedRequest good = signed();
        String authorization = good.header("authorization");
        String signature = authorization.substring(authorization.indexOf("Signature=") + "Signature=".length());
        for (String wrong : List.of(signature.substring(1), signature + "0", signature.substring(1) + "g", signature.substring(1) + "\u0661",
                signature + signature, "")) {
            assertMismatch(with(good, "authorization", authorization.replace("Signature=" + signature, "Signature=" + wrong)));
        }
    }

    @Test
    void aWrongSecretIsASignatureMismatch() {
        assertMismatch(signed(KEY_ID, "not-the-secret", NOW, "us-east-1", "events", "/", r -> r));
    }

    @Test
    void aBodyChangedAfterSigningIsASignatureMismatch() {
        SignedRequest good = signed();
        assertMismatch(new SignedRequest(good.method(), good.path(), good.query(), good.headers(),
                BODY.replace("orders", "refunds").getBytes(StandardCharsets.UTF_8), good.host()));
    }

    @Test
    void aSignatureReplayedAsAnotherOperationIsASignatureMismatch() {
        assertMismatch(with(signed(), "x-amz-target", "AWSEvents.DeletePartnerEventSource"));
    }

    @Test
    void aPathOtherThanTheOneSignedIsASignatureMismatch() {
        SignedRequest good = signed();
        assertMismatch(new SignedRequest(good.method(), "/v1/", good.query(), good.headers(), good.body(), good.host()));
    }

    @Test
    void aSignatureForAnotherHostIsASignatureMismatchEvenIfItsHostHeaderCameAlong() {
        SignedRequest good = signed();
        assertMismatch(new SignedRequest(good.method(), good.path(), good.query(), good.headers(), good.body(), "registry.example.com"));
    }

    @Test
    void anAuthorizationHeaderOfAMegabyteIsRefusedWithoutReadingIt() {
        assertRefused("IncompleteSignatureException", "The Authorization header is longer than 8192 characters.",
                with(signed(), "authorization", "AWS4-HMAC-SHA256 " + "Credential=x,".repeat(100_000)));
    }

    @Test
    void noRefusalIsRecordedAsAUse() {
        assertThrows(RegistryException.class, () -> verifier.verify(signed(KEY_ID, "wrong", NOW, "us-east-1", "events", "/", r -> r)));
        assertEquals(List.of(), usesRecorded);
    }

    @Test
    void anXAmzDateThatIsNotBasicIso8601IsIncompleteSignature() {
        for (String date : List.of("2026-11-27T10:00:00Z", "20261127T100000", "20261127t100000Z", "2026112710000Z0", "20261131T100000Z",
                "20261127T240000Z", "20261127T106000Z", "20260229T100000Z", "+0261127T100000Z", "20261127T10000\u0661Z")) {
            assertRefused("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '" + date
                    + "'. See http://en.wikipedia.org/wiki/ISO_8601", with(signed(), "x-amz-date", date));
        }
    }

    @Test
    void anXAmzDateIsReadAsTheInstantItNames() {
        assertEquals(Instant.parse("2026-11-27T10:00:00Z"), SignatureVerifier.parseAmzDate("20261127T100000Z"));
        assertEquals(Instant.parse("2028-02-29T23:59:59Z"), SignatureVerifier.parseAmzDate("20280229T235959Z"));
        assertEquals(Instant.parse("1970-01-01T00:00:00Z"), SignatureVerifier.parseAmzDate("19700101T000000Z"));
        assertEquals("20280229T235959Z", SignatureVerifier.formatAmzDate(Instant.parse("2028-02-29T23:59:59.900Z")));
    }

    @Test
    void anXAmzDateIsTheInstantJavaTimeMakesOfItForAnyDayOfYears0To9999() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(18);
        for (int i = 0; i < 20_000; i++) {
            java.time.LocalDateTime at = java.time.LocalDateTime.ofEpochSecond(
                    random.nextLong(-62_167_219_200L, 253_402_300_800L), 0, ZoneOffset.UTC);
            String text = String.format("%04d%02d%02dT%02d%02d%02dZ", at.getYear(), at.getMonthValue(), at.getDayOfMonth(),
                    at.getHour(), at.getMinute(), at.getSecond());
            assertEquals(at.toInstant(ZoneOffset.UTC), SignatureVerifier.parseAmzDate(text), text);
        }
        for (String notADay : List.of("19000229T000000Z", "21000229T000000Z", "20230229T000000Z", "20260431T000000Z", "20261200T000000Z")) {
            assertEquals(null, SignatureVerifier.parseAmzDate(notADay), notADay);
        }
        assertEquals(Instant.parse("2000-02-29T00:00:00Z"), SignatureVerifier.parseAmzDate("20000229T000000Z"));
    }

    @Test
    void aDateExactlyFifteenMinutesOffIsStillCurrentButASecondMoreIsNot() {
        Instant now = Instant.parse("2026-11-27T10:00:00.500Z");
        SignatureVerifier halfSecond = new SignatureVerifier(new AccessKeys() {
            @Override
            public Optional<AccessKey> find(String accessKeyId) {
                return Optional.ofNullable(keys.get(accessKeyId));
            }

            @Override
            public void recordUse(String accessKeyId, Instant at) {
            }
        }, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
        Instant fifteenLater = Instant.parse("2026-11-27T10:15:00Z");
        assertEquals(PRINCIPAL, halfSecond.verify(signed(KEY_ID, SECRET, fifteenLater, "us-east-1", "events", "/", r -> r)).principalArn());
        RegistryException late = assertThrows(RegistryException.class,
                () -> halfSecond.verify(signed(KEY_ID, SECRET, fifteenLater.plusSeconds(1), "us-east-1", "events", "/", r -> r)));
        assertEquals("Signature not yet current: 20261127T101501Z is still later than 20261127T101500Z (20261127T100000Z + 15 min.)",
                late.getMessage());
        RegistryException early = assertThrows(RegistryException.class,
                () -> halfSecond.verify(signed(KEY_ID, SECRET, Instant.parse("2026-11-27T09:45:00Z"), "us-east-1", "events", "/", r -> r)));
        assertEquals("Signature expired: 20261127T094500Z is now earlier than 20261127T094500Z (20261127T100000Z - 15 min.)",
                early.getMessage(), "at the same second but half a second before now - 15 min.");
        assertEquals(PRINCIPAL, halfSecond.verify(signed(KEY_ID, SECRET, Instant.parse("2026-11-27T09:45:01Z"), "us-east-1", "events", "/",
                r -> r)).principalArn());
    }

    @Test
    void aKeysSigningKeyIsDerivedOncePerDateAndStillVerifiesTheNextDaysRequests() {
        AccessKey key = keys.get(KEY_ID);
        javax.crypto.Mac first = key.signer("20261127", "us-east-1", "events");
        assertEquals(PRINCIPAL, verifier.verify(signed()).principalArn());
        assertEquals(first, key.signer("20261127", "us-east-1", "events"), "the same day's signer is the one derived before");
        javax.crypto.Mac nextDay = key.signer("20261128", "us-east-1", "events");
        assertEquals(SigV4.signature(SigV4.signingKey(SECRET, "20261128", "us-east-1", "events"), "text"), SigV4.signature(nextDay, "text"));
        assertEquals(SigV4.signature(nextDay, "text"), SigV4.signature(nextDay, "text"), "signing leaves the signer as it was");
        assertEquals(PRINCIPAL, verifier.verify(signed()).principalArn(), "back to the first day: derived again, still right");
    }

    private void assertMismatch(SignedRequest request) {
        assertRefused("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", request);
    }

    private void assertRefused(String code, String message, SignedRequest request) {
        RegistryException refused = assertThrows(RegistryException.class, () -> verifier.verify(request));
        assertEquals(code, refused.errorCode());
        assertEquals(message, refused.getMessage());
        assertEquals(List.of(), usesRecorded);
    }

    static SignedRequest signed() {
        return signed(KEY_ID, SECRET, NOW, "us-east-1", "events", "/", r -> r);
    }

    /** A DescribePartnerEventSource request as EventBridgeClient sends it, signed by the SDK's SigV4 signer. */
    static SignedRequest signed(String keyId, String secret, Instant at, String region, String service, String path,
                                UnaryOperator<SdkHttpFullRequest.Builder> extra) {
        SdkHttpFullRequest request = extra.apply(SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("https").host(HOST).encodedPath(path)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AWSEvents.DescribePartnerEventSource")
                .putHeader("amz-sdk-invocation-id", "4a6b4b0e-5c1e-4a8e-9d6f-0f1f2f3f4f5f"))
                .build();
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(keyId, secret))
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(BODY))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        return new SignedRequest("POST", path, Map.of(), signed.request().headers(), BODY.getBytes(StandardCharsets.UTF_8), HOST);
    }

    private static SignedRequest signedHeadersReplaced(String signedHeaders) {
        SignedRequest good = signed();
        return with(good, "authorization", good.header("authorization").replaceFirst("SignedHeaders=[^,]+", "SignedHeaders=" + signedHeaders));
    }

    static SignedRequest with(SignedRequest request, String header, String value) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.put(header, List.of(value));
        return new SignedRequest(request.method(), request.path(), request.query(), headers, request.body(), request.host());
    }

    static SignedRequest without(SignedRequest request, String header) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.remove(header);
        return new SignedRequest(request.method(), request.path(), request.query(), headers, request.body(), request.host());
    }
}
