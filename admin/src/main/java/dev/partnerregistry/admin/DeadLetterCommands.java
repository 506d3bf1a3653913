package dev.partnerregistry.admin;

import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.DeadLetter;
import dev.partnerregistry.domain.JsonWriter;
import dev.partnerregistry.store.AwsJsonClient;
import dev.partnerregistry.store.DeadLetterJson;
import dev.partnerregistry.store.QueuedEventJson;
import dev.partnerregistry.store.SqsQueue;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's view of the forwarder's dead-letter queue ({@code DEAD_LETTER_QUEUE_URL}) and its way back:
 * {@code dead-letters} lists what is there with each reason and leaves it there; {@code redrive-dead-letters} sends
 * the events back to the delivery queue ({@code EVENT_QUEUE_URL}), each first queued, then deleted from the
 * dead-letter queue (a crash between the two delivers it twice, never loses it: customers deduplicate by event id).
 * A message that was no queued event stays where it is.
 */
final class DeadLetterCommands {

    /** Seconds the messages a command received stay hidden from the forwarder's redrive and other readers. */
    static final int VISIBILITY_SECONDS = 60;
    static final int DEFAULT_MAX = 1000;

    private final SqsQueue deadLetters;
    private final SqsQueue delivery;
    private final PrintStream out;

    private DeadLetterCommands(SqsQueue deadLetters, SqsQueue delivery, PrintStream out) {
        this.deadLetters = deadLetters;
        this.delivery = delivery;
        this.out = out;
    }

    static DeadLetterCommands of(RegistrySettings settings, PrintStream out) {
        String dlq = settings.delivery().deadLetterQueueUrl();
        if (dlq == null) {
            throw new IllegalArgumentException("DEAD_LETTER_QUEUE_URL must name the dead-letter queue (the stack's DeadLetterQueueUrl output)");
        }
        AwsJsonClient sqs = RegistryAssembly.sqs(settings, ToolCredentials.forEndpoint(settings.dynamoDbEndpoint()));
        String queue = settings.delivery().queueUrl();
        return new DeadLetterCommands(new SqsQueue(sqs, dlq), queue == null ? null : new SqsQueue(sqs, queue), out);
    }

    /** Lists up to {@code max} letters, each once, then makes them visible again. */
    int list(int max) {
        List<SqsQueue.Received> seen = receiveUpTo(max);
        StringBuilder json = new StringBuilder("{\"DeadLetters\": [");
        Map<String, Integer> byCode = new LinkedHashMap<>();
        String separator = "";
        for (SqsQueue.Received message : seen) {
            DeadLetter letter = DeadLetterJson.read(message.body());
            byCode.merge(letter.errorCode(), 1, Integer::sum);
            json.append(separator).append(render(letter));
            separator = ", ";
        }
        deadLetters.release(seen.stream().map(SqsQueue.Received::receiptHandle).toList());
        out.println(json.append("], \"ByErrorCode\": ").append(counts(byCode)).append('}'));
        return 0;
    }

    /** Sends back up to {@code max} events (of {@code errorCode} only, if given); the others are left as they were. */
    int redrive(String errorCode, int max) {
        if (delivery == null) {
            throw new IllegalArgumentException("EVENT_QUEUE_URL must name the delivery queue (the stack's DeliveryQueueUrl output)");
        }
        List<SqsQueue.Received> seen = receiveUpTo(max);
        List<String> bodies = new ArrayList<>();
        List<SqsQueue.Received> chosen = new ArrayList<>();
        List<String> left = new ArrayList<>();
        Map<String, Integer> byCode = new LinkedHashMap<>();
        for (SqsQueue.Received message : seen) {
            DeadLetter letter = DeadLetterJson.read(message.body());
            if (letter.event() != null && (errorCode == null || errorCode.equals(letter.errorCode()))) {
                bodies.add(QueuedEventJson.write(letter.event()));
                chosen.add(message);
                byCode.merge(letter.errorCode(), 1, Integer::sum);
            } else {
                left.add(message.receiptHandle());
            }
        }
        List<Boolean> queued = bodies.isEmpty() ? List.of() : delivery.send(bodies);
        List<String> done = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            (Boolean.TRUE.equals(queued.get(i)) ? done : left).add(chosen.get(i).receiptHandle());
        }
        deadLetters.delete(done);
        deadLetters.release(left);
        out.println("{\"Redriven\": " + done.size() + ", \"Left\": " + left.size() + ", \"ByErrorCode\": " + counts(byCode) + "}");
        return done.size() == chosen.size() ? 0 : 1;
    }

    /**
     * Receives until {@code max} distinct messages or the queue shows no more. A message received twice (SQS may) is
     * counted once, with its latest receipt handle: only that one is sure to delete or release it.
     */
    private List<SqsQueue.Received> receiveUpTo(int max) {
        Map<String, SqsQueue.Received> seen = new LinkedHashMap<>();
        while (seen.size() < max) {
            List<SqsQueue.Received> batch = deadLetters.receive(VISIBILITY_SECONDS, 0);
            if (batch.isEmpty()) {
                break;
            }
            for (SqsQueue.Received message : batch) {
                if (seen.containsKey(message.messageId()) || seen.size() < max) {
                    seen.put(message.messageId(), message);
                } else {
                    deadLetters.release(List.of(message.receiptHandle()));
                }
            }
        }
        return new ArrayList<>(seen.values());
    }

    private static String render(DeadLetter letter) {
        StringBuilder json = new StringBuilder("{");
        if (letter.event() != null) {
            json.append("\"EventId\": ").append(quoted(letter.event().eventId()))
                    .append(", \"EventBusArn\": ").append(quoted(letter.event().deliverTo()))
                    .append(", \"Source\": ").append(quoted(letter.event().source())).append(", ");
        }
        json.append("\"ErrorCode\": ").append(quoted(letter.errorCode()))
                .append(", \"ErrorMessage\": ").append(quoted(letter.errorMessage()));
        if (letter.deadLetteredAt() != null) {
            json.append(", \"DeadLetteredAt\": ").append(quoted(letter.deadLetteredAt().toString()))
                    .append(", \"ReceiveCount\": ").append(letter.receiveCount());
        }
        return json.append('}').toString();
    }

    private static String counts(Map<String, Integer> byCode) {
        StringBuilder json = new StringBuilder("{");
        byCode.forEach((code, count) -> json.append(json.length() > 1 ? ", " : "").append(quoted(code)).append(": ").append(count));
        return json.append('}').toString();
    }

    /** A JSON string: the message and the ids come from the queue, so they are escaped. */
    private static String quoted(String text) {
        return JsonWriter.quote(new StringBuilder(), text).toString();
    }
}
