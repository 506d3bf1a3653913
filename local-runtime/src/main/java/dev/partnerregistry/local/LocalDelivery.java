package dev.partnerregistry.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.partnerregistry.api.EventForwarderHandler;
import dev.partnerregistry.store.AwsJsonClient;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * What the stack's queue, dead-letter queue and SQS event source mapping do, on the local engine
 * (moto serves SQS): the queues are created with the stack's redrive policy, and {@link #pollOnce}
 * receives up to ten messages, hands them to the forwarder as Lambda would, and deletes the ones it
 * did not report as failed (a partial batch response); the others become visible again and, after
 * {@value #MAX_RECEIVES} receives, move to the dead-letter queue.
 */
public final class LocalDelivery {

    static final int MAX_RECEIVES = 5;
    /**
     * Seconds a received message stays hidden: longer than a forwarder batch takes on moto (seconds:
     * its EventBridge is slow to hand events to rules), or another poller would deliver it twice.
     */
    public static final int VISIBILITY_SECONDS = 30;

    private final AwsJsonClient sqs;
    private final String queueUrl;
    private final String deadLetterQueueUrl;

    private LocalDelivery(AwsJsonClient sqs, String queueUrl, String deadLetterQueueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
    }

    /** Creates (or finds) the queues named after {@code prefix} on the engine {@code sqs} talks to. */
    public static LocalDelivery create(AwsJsonClient sqs, String prefix) {
        return create(sqs, prefix, VISIBILITY_SECONDS);
    }

    /** As above, a received message hidden for {@code visibilitySeconds} (tests shorten it to see redeliveries). */
    public static LocalDelivery create(AwsJsonClient sqs, String prefix, int visibilitySeconds) {
        String dlq = url(call(sqs, "CreateQueue", w -> w.writeFieldName("QueueName").writeValue(prefix + "-events-dlq")));
        JsonNode attributes = call(sqs, "GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(dlq)
                .writeFieldName("AttributeNames").writeStartArray().writeValue("QueueArn").writeEndArray());
        String dlqArn = attributes.asObject().get("Attributes").asObject().get("QueueArn").asString();
        String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVES + "\"}";
        String queue = url(call(sqs, "CreateQueue", w -> w.writeFieldName("QueueName").writeValue(prefix + "-events")
                .writeFieldName("Attributes").writeStartObject()
                .writeFieldName("RedrivePolicy").writeValue(redrive)
                .writeFieldName("VisibilityTimeout").writeValue(Integer.toString(visibilitySeconds))
                .writeEndObject()));
        return new LocalDelivery(sqs, queue, dlq);
    }

    public String queueUrl() {
        return queueUrl;
    }

    public String deadLetterQueueUrl() {
        return deadLetterQueueUrl;
    }

    /**
     * One receive, one forwarder run, one delete: the number of messages received (0: the queue was
     * empty). Prefer {@code waitSeconds} 0: the local engine answers one request at a time, so a long
     * poll of an empty queue holds up every other call for its whole wait.
     */
    public int pollOnce(EventForwarderHandler forwarder, int waitSeconds) {
        JsonNode received = call(sqs, "ReceiveMessage", w -> w.writeFieldName("QueueUrl").writeValue(queueUrl)
                .writeFieldName("MaxNumberOfMessages").writeValue(10)
                .writeFieldName("WaitTimeSeconds").writeValue(waitSeconds));
        JsonNode messages = received.isObject() ? received.asObject().get("Messages") : null;
        if (messages == null || !messages.isArray() || messages.asArray().isEmpty()) {
            return 0;
        }
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        List<String[]> handles = new ArrayList<>();
        for (JsonNode message : messages.asArray()) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.asObject().get("MessageId").asString());
            record.setBody(message.asObject().get("Body").asString());
            record.setReceiptHandle(message.asObject().get("ReceiptHandle").asString());
            record.setEventSource("aws:sqs");
            records.add(record);
            handles.add(new String[] {record.getMessageId(), record.getReceiptHandle()});
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        SQSBatchResponse response = forwarder.handleRequest(event, null);
        Set<String> failed = new HashSet<>();
        response.getBatchItemFailures().forEach(failure -> failed.add(failure.getItemIdentifier()));
        List<String[]> done = handles.stream().filter(handle -> !failed.contains(handle[0])).toList();
        if (!done.isEmpty()) {
            call(sqs, "DeleteMessageBatch", w -> {
                w.writeFieldName("QueueUrl").writeValue(queueUrl).writeFieldName("Entries").writeStartArray();
                for (int i = 0; i < done.size(); i++) {
                    w.writeStartObject().writeFieldName("Id").writeValue(Integer.toString(i))
                            .writeFieldName("ReceiptHandle").writeValue(done.get(i)[1]).writeEndObject();
                }
                w.writeEndArray();
            });
        }
        return records.size();
    }

    private interface Members {
        void write(StructuredJsonGenerator w);
    }

    private static JsonNode call(AwsJsonClient sqs, String action, Members members) {
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.0");
        w.writeStartObject();
        members.write(w);
        w.writeEndObject();
        AwsJsonClient.Answer answer;
        try {
            answer = sqs.call("AmazonSQS." + action, w.getBytes());
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("SQS " + action + " failed: " + e.getMessage(), e);
        }
        if (!answer.ok()) {
            throw new IllegalStateException("SQS " + action + " answered " + answer.status() + " " + answer.errorType() + ": "
                    + answer.body());
        }
        return answer.body();
    }

    private static String url(JsonNode created) {
        return created.asObject().get("QueueUrl").asString();
    }
}
