package dev.partnerregistry.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.partnerregistry.api.EventForwarderHandler;
import dev.partnerregistry.store.AwsJsonClient;
import dev.partnerregistry.store.SqsQueue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * What the stack's queue, dead-letter queue and SQS event source mapping do, on the local engine
 * (moto serves SQS): the queues are created with the stack's redrive policy, and {@link #pollOnce}
 * receives up to ten messages, hands them to the forwarder as Lambda would (with each message's
 * {@code ApproximateReceiveCount}, by which the forwarder dead-letters a message on its last receive),
 * and deletes the ones it did not report as failed (a partial batch response); the others become
 * visible again and, after {@value #MAX_RECEIVES} receives, move to the dead-letter queue.
 */
public final class LocalDelivery {

    static final int MAX_RECEIVES = EventForwarderHandler.MAX_RECEIVES;
    /**
     * Seconds a received message stays hidden: longer than a forwarder batch takes on moto (seconds:
     * its EventBridge is slow to hand events to rules), or another poller would deliver it twice.
     */
    public static final int VISIBILITY_SECONDS = 30;

    private final SqsQueue queue;
    private final String deadLetterQueueUrl;
    private final int visibilitySeconds;

    private LocalDelivery(SqsQueue queue, String deadLetterQueueUrl, int visibilitySeconds) {
        this.queue = queue;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.visibilitySeconds = visibilitySeconds;
    }

    /** Creates (or finds) the queues named after {@code prefix} on the engine {@code sqs} talks to. */
    public static LocalDelivery create(AwsJsonClient sqs, String prefix) {
        return create(sqs, prefix, VISIBILITY_SECONDS);
    }

    /** As above, a received message hidden for {@code visibilitySeconds} (tests shorten it to see redeliveries). */
    public static LocalDelivery create(AwsJsonClient sqs, String prefix, int visibilitySeconds) {
        String dlq = url(SqsQueue.call(sqs, "CreateQueue", w -> w.writeFieldName("QueueName").writeValue(prefix + "-events-dlq")));
        JsonNode attributes = SqsQueue.call(sqs, "GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(dlq)
                .writeFieldName("AttributeNames").writeStartArray().writeValue("QueueArn").writeEndArray());
        String dlqArn = attributes.asObject().get("Attributes").asObject().get("QueueArn").asString();
        String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVES + "\"}";
        String queue = url(SqsQueue.call(sqs, "CreateQueue", w -> w.writeFieldName("QueueName").writeValue(prefix + "-events")
                .writeFieldName("Attributes").writeStartObject()
                .writeFieldName("RedrivePolicy").writeValue(redrive)
                .writeFieldName("VisibilityTimeout").writeValue(Integer.toString(visibilitySeconds))
                .writeEndObject()));
        return new LocalDelivery(new SqsQueue(sqs, queue), dlq, visibilitySeconds);
    }

    public String queueUrl() {
        return queue.url();
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
        List<SqsQueue.Received> received = queue.receive(visibilitySeconds, waitSeconds);
        if (received.isEmpty()) {
            return 0;
        }
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (SqsQueue.Received message : received) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setBody(message.body());
            record.setReceiptHandle(message.receiptHandle());
            record.setEventSource("aws:sqs");
            record.setAttributes(Map.of(SqsQueue.RECEIVE_COUNT, Integer.toString(message.receiveCount())));
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        SQSBatchResponse response = forwarder.handleRequest(event, null);
        Set<String> failed = new HashSet<>();
        response.getBatchItemFailures().forEach(failure -> failed.add(failure.getItemIdentifier()));
        queue.delete(received.stream().filter(message -> !failed.contains(message.messageId())).map(SqsQueue.Received::receiptHandle).toList());
        return records.size();
    }

    private static String url(JsonNode created) {
        return created.asObject().get("QueueUrl").asString();
    }
}
