package dev.partnerregistry.domain;

import java.util.Collections;
import java.util.List;

/** Where the forwarder puts what it gives up on, each with its reason (the port; SQS in the store package). */
public interface DeadLetterQueue {

    /** One result per letter, in order: true once it is on the queue. A letter not taken stays the queue's to redeliver. */
    List<Boolean> send(List<DeadLetter> letters);

    /** No dead-letter queue configured: nothing is taken, so every failure goes back to the delivery queue. */
    DeadLetterQueue NONE = letters -> Collections.nCopies(letters.size(), false);
}
