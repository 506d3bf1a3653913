package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.RegistryOperation;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Properties of the whole request path over generated requests: any body, any header set, any
 * size gives a 2xx, or a 4xx with {@code __type}, and never escapes as a Throwable. The store
 * behind it accepts everything, so a 500 here can only be a bug of the protocol or validation.
 * Cases come from a seeded generator (no library: the seed in a failure reproduces it, set
 * {@code -Dproperties.seed=...}); {@code -Dproperties.cases=...} runs more.
 */
class ProtocolPropertiesTest {

    private static final long SEED = Long.getLong("properties.seed", 20261127L);
    private static final int CASES = Integer.getInteger("properties.cases", 4000);
    /** No answer may come near Lambda's 6 MB response limit; in practice they are far smaller. */
    private static final int MAX_ANSWER_CHARS = 16 * 1024;
    private static final List<String> MEMBERS = List.of("Name", "Account", "NamePrefix", "NextToken", "Limit", "EventSourceName");

    private final PartnerRegistryHandler handler = new PartnerRegistryHandler(
            UnreachableStore.protocol(new AcceptingStore(), new PrintStream(OutputStream.nullOutputStream())));

    @Test
    void anyRequestGetsA2xxOrA4xxWithItsTypeAndNeverThrows() {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < CASES; i++) {
            SplittableRandom random = new SplittableRandom(SEED + i);
            APIGatewayProxyRequestEvent event = request(random);
            APIGatewayProxyResponseEvent response;
            try {
                response = handler.handleRequest(event, null);
            } catch (Throwable escaped) {
                throw new AssertionError("case " + i + " (seed " + (SEED + i) + ") escaped: " + escaped, escaped);
            }
            String type = checkAnswer(i, response);
            answers.merge(response.getStatusCode() + " " + type, 1, Integer::sum);
        }
        // The generator must reach both sides of the protocol, or the property proves little.
        assertTrue(answers.keySet().stream().anyMatch(a -> a.startsWith("200")), answers::toString);
        assertTrue(answers.keySet().stream().anyMatch(a -> a.contains("ValidationException")), answers::toString);
        assertTrue(answers.keySet().stream().anyMatch(a -> a.contains("SerializationException")), answers::toString);
        assertTrue(answers.keySet().stream().anyMatch(a -> a.contains("UnknownOperationException")), answers::toString);
    }

    @Test
    void theHandWrittenMatchersAgreeWithTheModelsPatterns() {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile(dev.partnerregistry.domain.Constraints.NAME_PATTERN);
        java.util.regex.Pattern prefix = java.util.regex.Pattern.compile(dev.partnerregistry.domain.Constraints.NAME_PREFIX_PATTERN);
        java.util.regex.Pattern account = java.util.regex.Pattern.compile(dev.partnerregistry.domain.Constraints.ACCOUNT_PATTERN);
        int matched = 0;
        for (int i = 0; i < CASES * 5; i++) {
            SplittableRandom random = new SplittableRandom(SEED + i);
            // Short values: the regex is only safe to run on those, which is why the matchers exist.
            String value = random.nextInt(4) == 0 ? digits(random) : nameLike(random, 28);
            boolean isName = name.matcher(value).matches();
            matched += isName ? 1 : 0;
            assertEquals(isName, dev.partnerregistry.domain.ConstraintsAccess.isName(value), () -> "name: " + value);
            assertEquals(prefix.matcher(value).matches(), dev.partnerregistry.domain.ConstraintsAccess.isNamePrefix(value), () -> "prefix: " + value);
            assertEquals(account.matcher(value).matches(), dev.partnerregistry.domain.ConstraintsAccess.isAccount(value), () -> "account: " + value);
        }
        assertTrue(matched > CASES / 10, "the generator makes valid names too: " + matched);
    }

    @Test
    void theCustomerSidesMatchersAgreeWithTheModelsPatterns() {
        java.util.regex.Pattern path = java.util.regex.Pattern.compile(dev.partnerregistry.domain.Constraints.SOURCE_NAME_PREFIX_PATTERN);
        java.util.regex.Pattern busOrArn = java.util.regex.Pattern.compile(dev.partnerregistry.domain.Constraints.BUS_NAME_OR_ARN_PATTERN);
        int arns = 0;
        for (int i = 0; i < CASES * 5; i++) {
            SplittableRandom random = new SplittableRandom(SEED + i);
            String value = random.nextInt(2) == 0 ? busArnLike(random) : nameLike(random, 28);
            assertEquals(path.matcher(value).matches(), dev.partnerregistry.domain.ConstraintsAccess.isPathCharacters(value), () -> "path: " + value);
            boolean isBus = busOrArn.matcher(value).matches();
            arns += isBus && value.startsWith("arn:") ? 1 : 0;
            assertEquals(isBus, dev.partnerregistry.domain.ConstraintsAccess.isBusNameOrArn(value), () -> "bus name or ARN: " + value);
        }
        assertTrue(arns > CASES / 10, "the generator makes valid ARNs too: " + arns);
    }

    /** Strings near an event bus ARN: its parts, now and then one altered, dropped or repeated. */
    static String busArnLike(SplittableRandom random) {
        List<String> parts = new java.util.ArrayList<>(List.of("arn:aws", pick(random, List.of("", "-cn", "-us-gov", "_x", "-")),
                ":events:", pick(random, List.of("us-east-1", "eu-west-2", "us-gov-west-1", "us-east", "Us-east-1", "us--1", "a-b-", "a-b-_")),
                ":", pick(random, List.of("123456789012", "12345678901", "1234567890123", "12345678901a")), ":event-bus/",
                pick(random, List.of("aws.partner/example.com/orders", "default", "", "a b", "x/y.z-_"))));
        if (random.nextInt(5) == 0) {
            parts.remove(random.nextInt(parts.size()));
        }
        return String.join("", parts);
    }

    /** A 2xx with a JSON object, or an error envelope whose __type is the x-amzn-ErrorType; no 500; bounded. */
    private static String checkAnswer(int index, APIGatewayProxyResponseEvent response) {
        String where = "case " + index + " (seed " + (SEED + index) + "): " + response.getStatusCode() + " "
                + (response.getBody() == null ? null : response.getBody().substring(0, Math.min(300, response.getBody().length())));
        assertNotNull(response.getStatusCode(), where);
        assertNotNull(response.getBody(), where);
        assertTrue(response.getBody().length() <= MAX_ANSWER_CHARS, () -> where + " is " + response.getBody().length() + " chars");
        JsonNode body;
        try {
            body = JsonNode.parser().parse(response.getBody());
        } catch (RuntimeException notJson) {
            throw new AssertionError(where + " is not JSON", notJson);
        }
        assertTrue(body.isObject(), where);
        int status = response.getStatusCode();
        if (status == 200) {
            assertTrue(!response.getHeaders().containsKey("x-amzn-ErrorType"), where);
            return "";
        }
        if (status != 400) {
            fail(where + ": the store accepts everything, so nothing but 200 or 400 is right");
        }
        String type = body.field("__type").map(JsonNode::asString).orElse(null);
        assertNotNull(type, where);
        assertEquals(type, response.getHeaders().get("x-amzn-ErrorType"), where);
        return type;
    }

    // --- the generator ---------------------------------------------------------------------

    private static APIGatewayProxyRequestEvent request(SplittableRandom random) {
        Map<String, String> headers = new HashMap<>();
        String target = target(random);
        if (target != null) {
            headers.put(pick(random, List.of("X-Amz-Target", "x-amz-target", "X-AMZ-TARGET")), target);
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            headers.put(text(random, 20), random.nextBoolean() ? text(random, 40) : null);
        }
        if (random.nextInt(3) == 0) {
            headers.put("amz-sdk-invocation-id", random.nextBoolean() ? java.util.UUID.randomUUID().toString() : text(random, 200));
        }
        Map<String, List<String>> multi = null;
        if (random.nextInt(5) == 0) {
            multi = new HashMap<>();
            multi.put("X-Amz-Target", random.nextBoolean() ? List.of() : null);
            multi.put(text(random, 10), new ArrayList<>(java.util.Arrays.asList(null, text(random, 10))));
        }
        String body = body(random);
        boolean base64 = random.nextInt(6) == 0;
        if (base64 && body != null) {
            body = random.nextInt(4) == 0 ? body : Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
        }
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST").withPath("/")
                .withHeaders(random.nextInt(20) == 0 ? null : headers)
                .withMultiValueHeaders(multi)
                .withIsBase64Encoded(random.nextInt(10) == 0 ? null : base64)
                .withBody(body);
        if (random.nextInt(8) != 0) {
            APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                    .withRequestId(random.nextInt(10) == 0 ? null : "req-" + random.nextInt());
            if (random.nextInt(6) != 0) {
                context.setIdentity(new APIGatewayProxyRequestEvent.RequestIdentity()
                        .withUserArn(random.nextInt(5) == 0 ? text(random, 80) : "arn:aws:iam::123456789012:user/partner"));
            }
            event.setRequestContext(context);
        }
        return event;
    }

    private static String target(SplittableRandom random) {
        switch (random.nextInt(10)) {
            case 0:
                return null;
            case 1:
                return text(random, 30);
            case 2:
                return "AWSEvents." + text(random, 30);
            default:
                return AwsJsonProtocol.TARGET_PREFIX + RegistryOperation.values()[random.nextInt(RegistryOperation.values().length)].operationName();
        }
    }

    private static String body(SplittableRandom random) {
        switch (random.nextInt(12)) {
            case 0:
                return null;
            case 1:
                return pick(random, List.of("", " ", "\n", "null", "[]", "1", "\"x\"", "{", "}", "{}{}", "{\"a\":1} x"));
            case 2:
                return text(random, 200);
            case 3:
                return nested(random);
            case 4:
                return "{\"Name\": \"" + "x".repeat(random.nextInt(200_000, 400_000)) + "\"}";
            case 5:
                return "{\"Name\": \"aws.partner/x" + "/a".repeat(random.nextInt(1000, 60_000)) + "\", \"Account\": \"123456789012\"}";
            case 6: {
                String object = jsonObject(random);
                return object.substring(0, random.nextInt(object.length() + 1));
            }
            default:
                return jsonObject(random);
        }
    }

    private static String jsonObject(SplittableRandom random) {
        StringBuilder json = new StringBuilder("{");
        int members = random.nextInt(5);
        for (int i = 0; i < members; i++) {
            String member = random.nextInt(6) == 0 ? text(random, 8) : pick(random, MEMBERS);
            json.append(i == 0 ? "" : ",").append(quote(member)).append(':').append(jsonValue(random, member, 0));
        }
        if (random.nextInt(20) == 0 && members > 0) {
            json.append(",\"Name\":\"duplicate\"");
        }
        return json.append('}').toString();
    }

    private static String jsonValue(SplittableRandom random, String member, int depth) {
        switch (depth > 3 ? random.nextInt(5) : random.nextInt(9)) {
            case 0:
                return "null";
            case 1:
                return random.nextBoolean() ? "true" : "false";
            case 2:
                return pick(random, List.of("0", "-1", "1", "5", "100", "101", "2147483648", "1.0", "1e2", "-0", "99999999999999999999", "2.5"));
            case 3:
                return quote(text(random, 40));
            case 4:
                return quote(member.equals("Account") ? digits(random) : nameLike(random, 300));
            case 5:
                return quote(nameLike(random, 40));
            case 6:
                return "[" + jsonValue(random, member, depth + 1) + "]";
            case 7:
                return "{\"x\":" + jsonValue(random, member, depth + 1) + "}";
            default:
                return member.equals("Limit") ? Integer.toString(random.nextInt(-5, 120)) : quote(nameLike(random, 60));
        }
    }

    private static String nested(SplittableRandom random) {
        int depth = random.nextInt(500, 20_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return "{\"Name\":" + open.repeat(depth) + "1" + close.repeat(random.nextInt(4) == 0 ? depth / 2 : depth) + "}";
    }

    /** Strings near the patterns: the namespace, slashes, name characters, and now and then anything. */
    static String nameLike(SplittableRandom random, int maxLength) {
        StringBuilder value = new StringBuilder(random.nextInt(5) == 0 ? "" : pick(random, List.of("aws.partner", "aws.partner/", "aws.partner/p/", "awsXpartner/")));
        int length = random.nextInt(maxLength + 1);
        String alphabet = "ab.-_/09Z/";
        while (value.length() < length) {
            value.append(random.nextInt(30) == 0 ? (char) random.nextInt(0x20, 0x2FF) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return value.toString();
    }

    static String digits(SplittableRandom random) {
        StringBuilder value = new StringBuilder();
        int length = random.nextInt(9, 15);
        for (int i = 0; i < length; i++) {
            value.append(random.nextInt(25) == 0 ? (char) pick(random, List.of((int) '\u0661', (int) 'a', (int) ' ')).intValue() : (char) ('0' + random.nextInt(10)));
        }
        return value.toString();
    }

    /** Any characters: controls, quotes, backslashes, non-ASCII, lone surrogates. */
    static String text(SplittableRandom random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder value = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> value.append((char) random.nextInt(0, 0x20));
                case 1 -> value.append(pick(random, List.of('"', '\\', '{', '}', '[', ']', ':', ',')));
                case 2 -> value.append((char) random.nextInt(0xD800, 0xE000));
                case 3 -> value.append((char) random.nextInt(0x80, 0xD800));
                default -> value.append((char) random.nextInt(0x20, 0x7F));
            }
        }
        return value.toString();
    }

    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static <T> T pick(SplittableRandom random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** A store that takes every write and finds nothing: only the protocol and validation can fail a request. */
    private static final class AcceptingStore extends UnreachableStore {
        @Override
        public void create(PartnerEventSource source, int defaultLimit, Access access, String callId, java.time.Instant now) {
        }

        @Override
        public Optional<PartnerEventSource> find(String name, Access access) {
            return Optional.of(PartnerEventSource.created(name, "123456789012", java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(3600)));
        }

        @Override
        public Listing list(String prefix, Supplier<Resume> resume, int limit, Access access,
                            dev.partnerregistry.domain.Shown shown) {
            resume.get();
            return Listing.empty();
        }

        @Override
        public boolean delete(PartnerEventSource stored, PartnerEventSource keepAs, Access access) {
            return true;
        }

        @Override
        public Optional<PartnerEventSource> findOffered(String name, dev.partnerregistry.domain.CustomerAccess access) {
            return Optional.empty();
        }

        @Override
        public Listing listOffered(String prefix, Supplier<Resume> resume, int limit,
                                   dev.partnerregistry.domain.CustomerAccess access, dev.partnerregistry.domain.Shown shown) {
            resume.get();
            return Listing.empty();
        }

        @Override
        public boolean change(PartnerEventSource stored, PartnerEventSource next, dev.partnerregistry.domain.CustomerAccess access) {
            return true;
        }

        @Override
        public EventSources eventSources(java.util.Collection<String> names, dev.partnerregistry.domain.Caller caller, String region) {
            return new EventSources(java.util.Set.of(), java.util.Map.of());
        }

        @Override
        public byte[] secret() {
            return new byte[32];
        }
    }
}
