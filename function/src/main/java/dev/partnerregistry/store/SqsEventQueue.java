package dev.partnerregistry.store;

import dev.partnerregistry.domain.EventQueue;
import dev.partnerregistry.domain.QueuedEvent;
import java.util.List;

/**
 * Accepted events into the delivery queue ({@link SqsQueue}: SendMessageBatch within its limits). A message SQS
 * refuses twice is reported as not queued, and its entry fails with InternalFailure, which the SDKs retry.
 */
public final class SqsEventQueue implements EventQueue {

    private final SqsQueue messages;

    public SqsEventQueue(AwsJsonClient sqs, String queueUrl) {
        this.messages = new SqsQueue(sqs, queueUrl);
    }

    @Override
    public List<Boolean> send(List<QueuedEvent> events) {
        return messages.sendQuoted(events.stream().map(QueuedEventJson::writeQuoted).toList());
    }
}
