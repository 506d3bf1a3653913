package dev.partnerregistry.store;

import dev.partnerregistry.domain.DeadLetter;
import dev.partnerregistry.domain.DeadLetterQueue;
import java.util.List;

/** The forwarder's dead letters onto the dead-letter queue, each as {@link DeadLetterJson} writes it. */
public final class SqsDeadLetterQueue implements DeadLetterQueue {

    private final SqsQueue messages;

    public SqsDeadLetterQueue(AwsJsonClient sqs, String queueUrl) {
        this.messages = new SqsQueue(sqs, queueUrl);
    }

    @Override
    public List<Boolean> send(List<DeadLetter> letters) {
        return messages.send(letters.stream().map(DeadLetterJson::write).toList());
    }
}
