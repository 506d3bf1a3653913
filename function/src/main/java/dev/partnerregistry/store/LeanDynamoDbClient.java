package dev.partnerregistry.store;

import dev.partnerregistry.domain.Jitter;
import dev.partnerregistry.domain.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.Crc32MismatchException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.http.Abortable;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionSizeLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReplicatedWriteConflictException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * The six DynamoDB operations the function calls, sent as AWS JSON 1.0 by hand over {@link AwsJsonClient}: the SDK's
 * client costs a Lambda cold start ~150 ms wall and ~200 ms CPU more for the same requests (its execution pipeline,
 * endpoint rules, interceptors and protocol factories all load and initialise on the first call).
 *
 * <p>The JSON is read and written from the SDK model's own metadata ({@link SdkPojo#sdkFields()}), as the SDK's JSON
 * protocol does, so requests and responses are the SDK's model classes and the wire format is the SDK's. Errors are
 * the SDK's exception classes with the same code, message, status and error details; retries and the call timeout are
 * those {@link DynamoDbClients#create} gives the SDK client: 3 attempts, the standard strategy's jittered backoff
 * and token bucket, the whole call bounded by the call timeout. Every other operation is the interface's default,
 * {@link UnsupportedOperationException}.
 */
public final class LeanDynamoDbClient implements DynamoDbClient {

    static final int MAX_ATTEMPTS = 3;
    /** The standard strategy's backoff (DefaultRetryStrategy.Standard): full jitter up to base * 2^(retry - 1), at most 20 s. */
    static final long BASE_DELAY_MILLIS = 100;
    static final long THROTTLED_BASE_DELAY_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 20_000;
    /** The standard strategy's circuit breaker: a retry takes 5 of 500 tokens, a success gives its retry's back. */
    static final int TOKEN_BUCKET_SIZE = 500;
    static final int RETRY_COST = 5;

    private static final String TARGET_PREFIX = "DynamoDB_20120810.";
    /** The service name in the SDK's error details (its exception messages say "Service: DynamoDb"). */
    private static final String ERROR_SERVICE_NAME = "DynamoDb";
    /** The SDK's 5xx it retries (SdkDefaultRetryStrategy), and the error codes AWS retries as transient (AwsErrorCode). */
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(500, 502, 503, 504);
    private static final Set<String> RETRYABLE_CODES = Set.of("PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException",
            "InternalError");

    private final AwsJsonClient http;
    private final long callTimeoutMillis;
    /** The circuit breaker's tokens, shared by the calls of this client (as the SDK's, per client). */
    private int retryTokens = TOKEN_BUCKET_SIZE;

    public LeanDynamoDbClient(AwsCredentialsProvider credentials, String region, java.net.URI endpoint, Duration callTimeout) {
        this.http = new AwsJsonClient(credentials, region, AwsJsonClient.endpoint(endpoint, "dynamodb", region), "dynamodb", "1.0");
        this.callTimeoutMillis = callTimeout.toMillis();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return call("GetItem", request, GetItemResponse.builder());
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return call("UpdateItem", request, UpdateItemResponse.builder());
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        return call("BatchGetItem", request, BatchGetItemResponse.builder());
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return call("Query", request, QueryResponse.builder());
    }

    @Override
    public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
        return call("TransactGetItems", request, TransactGetItemsResponse.builder());
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return call("TransactWriteItems", request, TransactWriteItemsResponse.builder());
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * One call: the body made once (a transaction's generated ClientRequestToken is the same on every attempt), then
     * up to {@link #MAX_ATTEMPTS} sends within the call timeout.
     */
    private <R> R call(String operation, SdkPojo request, SdkResponse.Builder response) {
        byte[] body = json(request).getBytes(StandardCharsets.UTF_8);
        String target = TARGET_PREFIX + operation;
        CallTimer timer = new CallTimer(callTimeoutMillis);
        try {
            int retryCost = 0;
            List<String> earlier = null;
            for (int attempt = 1; ; attempt++) {
                SdkException failure;
                try {
                    DynamoDbRequestCounter.sent();
                    AwsJsonClient.Exchange exchange = http.send(target, body, timer::sending);
                    checkCrc32(exchange);
                    if (exchange.response().isSuccessful()) {
                        R answer = answer(exchange, response);
                        if (retryCost > 0) {
                            returnRetryToken();
                        }
                        return answer;
                    }
                    failure = serviceException(exchange);
                } catch (IOException | UncheckedIOException | AbortedException e) {
                    if (timer.expired()) {
                        throw ApiCallTimeoutException.create(callTimeoutMillis);
                    }
                    failure = SdkClientException.builder().message("Unable to execute HTTP request: " + e.getMessage()).cause(e).build();
                } catch (Crc32MismatchException e) {
                    failure = e;
                }
                // A definite answer stands even when it came late (a cancelled transaction wrote nothing: the store
                // must see why); only a call that would try again ends in the timeout.
                if (!retryable(failure)) {
                    throw lastOf(failure, attempt, earlier);
                }
                if (timer.expired()) {
                    throw ApiCallTimeoutException.create(callTimeoutMillis);
                }
                if (attempt == MAX_ATTEMPTS || !takeRetryToken()) {
                    throw lastOf(failure, attempt, earlier);
                }
                if (earlier == null) {
                    earlier = new ArrayList<>(MAX_ATTEMPTS - 1);
                }
                earlier.add(failure.getMessage());
                retryCost = RETRY_COST;
                timer.sleep(backoffMillis(attempt + 1, failure));
            }
        } finally {
            timer.cancel();
        }
    }

    /**
     * The failure that ends a call, as the SDK's retry stage throws it: its attempt count (in its message, "SDK Attempt
     * Count"), and each earlier attempt's failure as a suppressed exception.
     */
    private static SdkException lastOf(SdkException failure, int attempts, List<String> earlier) {
        SdkException last = failure.toBuilder().numAttempts(attempts).build();
        if (earlier != null) {
            for (int i = 0; i < earlier.size(); i++) {
                last.addSuppressed(SdkClientException.builder().message("Request attempt " + (i + 1) + " failure: " + earlier.get(i))
                        .writableStackTrace(false).build());
            }
        }
        return last;
    }

    private synchronized boolean takeRetryToken() {
        if (retryTokens < RETRY_COST) {
            return false;
        }
        retryTokens -= RETRY_COST;
        return true;
    }

    private synchronized void returnRetryToken() {
        retryTokens = Math.min(TOKEN_BUCKET_SIZE, retryTokens + RETRY_COST);
    }

    /** What the SDK retries: I/O failures and a bad checksum, throttling, its 5xx, the transient error codes; never another 4xx. */
    static boolean retryable(SdkException failure) {
        if (failure instanceof AwsServiceException service) {
            String code = service.awsErrorDetails().errorCode();
            return service.isThrottlingException() || RETRYABLE_STATUS.contains(service.statusCode())
                    || code != null && RETRYABLE_CODES.contains(code);
        }
        return failure instanceof Crc32MismatchException || failure.getCause() instanceof IOException;
    }

    /** Full jitter over the exponential delay before {@code attempt} (2 or 3), as ExponentialDelayWithJitter. */
    static long backoffMillis(int attempt, SdkException failure) {
        long base = failure instanceof AwsServiceException service && service.isThrottlingException() ? THROTTLED_BASE_DELAY_MILLIS
                : BASE_DELAY_MILLIS;
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, base << (attempt - 2));
        return Jitter.below(ceiling);
    }

    /** DynamoDB's checksum of the body as sent: a mismatch is a body damaged on the way, worth another attempt (as the SDK). */
    private static void checkCrc32(AwsJsonClient.Exchange exchange) {
        String expected = exchange.response().firstMatchingHeader("x-amz-crc32").orElse(null);
        if (expected == null) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(exchange.body());
        if (!expected.trim().equals(Long.toString(crc.getValue()))) {
            throw Crc32MismatchException.create("Expected " + expected + " as a response's checksum but was " + crc.getValue(), null);
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> R answer(AwsJsonClient.Exchange exchange, SdkResponse.Builder response) {
        try {
            JsonNode body = exchange.body().length == 0 ? JsonNode.emptyObjectNode() : JsonNode.parser().parse(exchange.body());
            read((SdkPojo) response, body.asObject());
        } catch (RuntimeException e) {
            throw SdkClientException.builder().message("Unable to unmarshall response (" + e.getMessage() + ")").cause(e).build();
        }
        return (R) response.sdkHttpResponse(exchange.response()).build();
    }

    /**
     * The SDK's exception for an error answer: its class by the error code (the {@code __type} after its namespace), its
     * modelled members (a cancellation's reasons, a failed condition's item) read from the body, and the code, message
     * and status in its error details as the SDK sets them.
     */
    static DynamoDbException serviceException(AwsJsonClient.Exchange exchange) {
        SdkHttpResponse response = exchange.response();
        Map<String, JsonNode> body = Map.of();
        try {
            JsonNode parsed = exchange.body().length == 0 ? null : JsonNode.parser().parse(exchange.body());
            if (parsed != null && parsed.isObject()) {
                body = parsed.asObject();
            }
        } catch (RuntimeException e) {
            // Not JSON (a proxy's error page): the status alone says what happened.
        }
        String code = response.firstMatchingHeader("x-amzn-ErrorType").orElse(null);
        if (code == null && body.get("__type") != null && body.get("__type").isString()) {
            code = body.get("__type").asString();
        }
        if (code != null) {
            code = code.substring(0, code.indexOf(':') < 0 ? code.length() : code.indexOf(':'));
            code = code.substring(code.lastIndexOf('#') + 1);
        }
        String message = null;
        for (String name : new String[] {"message", "Message", "errorMessage"}) {
            JsonNode node = body.get(name);
            if (node != null && node.isString()) {
                message = node.asString();
                break;
            }
        }
        DynamoDbException.Builder exception = exceptionOf(code);
        try {
            read(exception, body);
        } catch (RuntimeException e) {
            // A member that does not read as modelled: the code, message and status still say what happened.
        }
        // As the SDK: without a message in the body, the exception's says the status (its error details keep none).
        exception.message(message != null ? message : "Service returned HTTP status code " + response.statusCode())
                .statusCode(response.statusCode())
                .requestId(response.firstMatchingHeader("x-amzn-RequestId").orElse(null))
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName(ERROR_SERVICE_NAME)
                        .sdkHttpResponse(response)
                        .rawResponse(SdkBytes.fromByteArray(exchange.body()))
                        .build());
        return (DynamoDbException) exception.build();
    }

    /** The modelled exceptions of the operations sent here; any other code is a plain DynamoDbException, as with the SDK. */
    private static DynamoDbException.Builder exceptionOf(String code) {
        if (code == null) {
            return DynamoDbException.builder();
        }
        return switch (code) {
            case "TransactionCanceledException" -> TransactionCanceledException.builder();
            case "ConditionalCheckFailedException" -> ConditionalCheckFailedException.builder();
            case "TransactionConflictException" -> TransactionConflictException.builder();
            case "ProvisionedThroughputExceededException" -> ProvisionedThroughputExceededException.builder();
            case "RequestLimitExceeded" -> RequestLimitExceededException.builder();
            case "ThrottlingException" -> ThrottlingException.builder();
            case "InternalServerError" -> InternalServerErrorException.builder();
            case "ResourceNotFoundException" -> ResourceNotFoundException.builder();
            case "TransactionInProgressException" -> TransactionInProgressException.builder();
            case "IdempotentParameterMismatchException" -> IdempotentParameterMismatchException.builder();
            case "ItemCollectionSizeLimitExceededException" -> ItemCollectionSizeLimitExceededException.builder();
            case "LimitExceededException" -> LimitExceededException.builder();
            case "ReplicatedWriteConflictException" -> ReplicatedWriteConflictException.builder();
            default -> DynamoDbException.builder();
        };
    }

    // --- JSON from and to the model, by its metadata, as the SDK's JSON protocol -----------------------------------

    /** The request's JSON: every member set, by its wire name; unset members and untouched (auto-constructed) collections left out. */
    static String json(SdkPojo request) {
        JsonWriter w = new JsonWriter();
        writePojo(w, request);
        return w.toString();
    }

    private static void writePojo(JsonWriter w, SdkPojo pojo) {
        w.writeStartObject();
        for (SdkField<?> field : pojo.sdkFields()) {
            // getValueOrDefault: a generated idempotency token (ClientRequestToken) when none was set, as the SDK sends.
            Object value = field.getValueOrDefault(pojo);
            if (value == null || value instanceof SdkAutoConstructList || value instanceof SdkAutoConstructMap) {
                continue;
            }
            w.writeFieldName(field.locationName());
            writeValue(w, field, value);
        }
        w.writeEndObject();
    }

    private static void writeValue(JsonWriter w, SdkField<?> field, Object value) {
        if (value == null) {
            w.writeValue((String) null);
            return;
        }
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.STRING) {
            w.writeValue((String) value);
        } else if (type == MarshallingType.SDK_POJO) {
            writePojo(w, (SdkPojo) value);
        } else if (type == MarshallingType.MAP) {
            SdkField<?> member = field.getTrait(MapTrait.class).valueFieldInfo();
            w.writeStartObject();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                w.writeFieldName((String) entry.getKey());
                writeValue(w, member, entry.getValue());
            }
            w.writeEndObject();
        } else if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            w.writeStartArray();
            for (Object element : (List<?>) value) {
                writeValue(w, member, element);
            }
            w.writeEndArray();
        } else if (type == MarshallingType.SDK_BYTES) {
            w.writeValue(Base64.getEncoder().encodeToString(((SdkBytes) value).asByteArrayUnsafe()));
        } else if (value instanceof Number || value instanceof Boolean) {
            w.writeNumber(value.toString());   // true/false and numbers are written as their Java text, JSON's syntax
        } else if (type == MarshallingType.INSTANT) {
            // The JSON protocol's timestamps: epoch seconds, with milliseconds as a fraction.
            w.writeNumber(BigDecimal.valueOf(((Instant) value).toEpochMilli(), 3).toPlainString());
        } else {
            throw new UnsupportedOperationException("no JSON for " + type + " (" + field.memberName() + ")");
        }
    }

    /** Sets on {@code builder} every member {@code json} has, read as its field's type; absent and null ones stay unset. */
    private static void read(SdkPojo builder, Map<String, JsonNode> json) {
        for (SdkField<?> field : builder.sdkFields()) {
            JsonNode node = json.get(field.unmarshallLocationName());
            if (node != null && !node.isNull()) {
                field.set(builder, readValue(field, node));
            }
        }
    }

    private static Object readValue(SdkField<?> field, JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.STRING) {
            return node.asString();
        } else if (type == MarshallingType.SDK_POJO) {
            SdkPojo builder = field.constructor().get();
            read(builder, node.asObject());
            return ((SdkBuilder<?, ?>) builder).build();
        } else if (type == MarshallingType.MAP) {
            SdkField<?> member = field.getTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : node.asObject().entrySet()) {
                map.put(entry.getKey(), readValue(member, entry.getValue()));
            }
            return map;
        } else if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            List<Object> list = new ArrayList<>(node.asArray().size());
            for (JsonNode element : node.asArray()) {
                list.add(readValue(member, element));
            }
            return list;
        } else if (type == MarshallingType.SDK_BYTES) {
            return SdkBytes.fromByteArrayUnsafe(Base64.getDecoder().decode(node.asString()));
        } else if (type == MarshallingType.BOOLEAN) {
            return node.asBoolean();
        } else if (type == MarshallingType.INTEGER) {
            return Integer.valueOf(node.asNumber());
        } else if (type == MarshallingType.LONG) {
            return Long.valueOf(node.asNumber());
        } else if (type == MarshallingType.DOUBLE) {
            return Double.valueOf(node.asNumber());
        } else if (type == MarshallingType.FLOAT) {
            return Float.valueOf(node.asNumber());
        } else if (type == MarshallingType.BIG_DECIMAL) {
            return new BigDecimal(node.asNumber());
        } else if (type == MarshallingType.SHORT) {
            return Short.valueOf(node.asNumber());
        } else if (type == MarshallingType.BYTE) {
            return Byte.valueOf(node.asNumber());
        } else if (type == MarshallingType.INSTANT) {
            BigDecimal seconds = new BigDecimal(node.asNumber());
            return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        }
        throw new UnsupportedOperationException("no " + type + " from JSON (" + field.memberName() + ")");
    }

    // --- the call timeout ------------------------------------------------------------------------------------------

    /**
     * Ends a call at its timeout, as the SDK's api call timeout does: the request in flight is aborted (its connection
     * closed, so a read blocked on it fails at once), and the call ends in {@link ApiCallTimeoutException}.
     */
    private static final class CallTimer implements Runnable {

        static final long ABORT_AGAIN_MILLIS = 50;

        private final long timeoutMillis;
        private final long deadlineNanos;
        private final ScheduledFuture<?> alarm;
        private volatile Abortable inFlight;

        CallTimer(long timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
            this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            // Again and again after the deadline: aborting a request that is still connecting does nothing, so the
            // one that connects late is aborted on the next round instead of running on to its socket timeout.
            this.alarm = alarms().scheduleWithFixedDelay(this, timeoutMillis, ABORT_AGAIN_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            Abortable request = inFlight;
            if (request != null) {
                request.abort();
            }
        }

        /** Before each send: the request the alarm aborts; none is sent once the call's time is up. */
        void sending(Abortable request) {
            if (expired()) {
                throw ApiCallTimeoutException.create(timeoutMillis);
            }
            inFlight = request;
        }

        /** The alarm runs no earlier than this holds (it is scheduled after the deadline was taken). */
        boolean expired() {
            return System.nanoTime() - deadlineNanos >= 0;
        }

        /** The backoff before the next attempt; the call's timeout when it comes first (the SDK's sleep is interrupted by it). */
        void sleep(long millis) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            try {
                Thread.sleep(Math.max(0, Math.min(millis, left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw AbortedException.builder().message("Thread was interrupted").cause(e).build();
            }
            if (millis >= left) {
                throw ApiCallTimeoutException.create(timeoutMillis);
            }
        }

        void cancel() {
            alarm.cancel(false);
        }
    }

    private static ScheduledThreadPoolExecutor alarms;

    /** One daemon thread for every client's alarms, started with the first call (the SDK's client has its own as well). */
    private static synchronized ScheduledThreadPoolExecutor alarms() {
        if (alarms == null) {
            alarms = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "dynamodb-call-timeout");
                thread.setDaemon(true);
                return thread;
            });
            alarms.setRemoveOnCancelPolicy(true);
        }
        return alarms;
    }
}
