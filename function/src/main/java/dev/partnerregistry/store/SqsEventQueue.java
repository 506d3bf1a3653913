package dev.partnerregistry.store;

import dev.partnerregistry.domain.EventQueue;
import dev.partnerregistry.domain.JsonWriter;
import dev.partnerregistry.domain.QueuedEvent;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Accepted events into the delivery queue: SendMessageBatch (AWS JSON 1.0, {@link AwsJsonClient}),
 * ten messages per call, as SQS allows. A message SQS refuses is sent once more; one still refused
 * is reported as not queued, and its entry fails with InternalFailure, which the SDKs retry.
 */
public final class SqsEventQueue implements EventQueue {

    static final int BATCH = 10;

    private final AwsJsonClient sqs;
    private final String queueUrl;

    public SqsEventQueue(AwsJsonClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public List<Boolean> send(List<QueuedEvent> events) {
        List<Boolean> queued = new ArrayList<>(Collections.nCopies(events.size(), false));
        for (int start = 0; start < events.size(); start += BATCH) {
            List<Integer> pending = new ArrayList<>();
            for (int i = start; i < Math.min(start + BATCH, events.size()); i++) {
                pending.add(i);
            }
            for (int attempt = 0; attempt < 2 && !pending.isEmpty(); attempt++) {
                pending = sendBatch(events, pending, queued);
            }
        }
        return queued;
    }

    /** Sends the events at {@code indexes}; marks the queued ones, and answers the indexes still to send. */
    private List<Integer> sendBatch(List<QueuedEvent> events, List<Integer> indexes, List<Boolean> queued) {
        StringBuilder body = new StringBuilder(1024 * indexes.size());
        JsonWriter.quote(body.append("{\"QueueUrl\":"), queueUrl).append(",\"Entries\":[");
        for (int k = 0; k < indexes.size(); k++) {
            body.append(k == 0 ? "{\"Id\":\"" : ",{\"Id\":\"").append(indexes.get(k)).append("\",\"MessageBody\":");
            QueuedEventJson.writeQuoted(events.get(indexes.get(k)), body).append('}');
        }
        body.append("]}");
        AwsJsonClient.Answer answer;
        try {
            answer = sqs.call("AmazonSQS.SendMessageBatch", body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException unreachable) {
            return indexes;
        }
        if (!answer.ok()) {
            return indexes;
        }
        JsonNode successful = answer.body().isObject() ? answer.body().asObject().get("Successful") : null;
        List<Integer> again = new ArrayList<>(indexes);
        if (successful != null && successful.isArray()) {
            for (JsonNode entry : successful.asArray()) {
                JsonNode id = entry.isObject() ? entry.asObject().get("Id") : null;
                if (id != null && id.isString()) {
                    int index = Integer.parseInt(id.asString());
                    queued.set(index, true);
                    again.remove(Integer.valueOf(index));
                }
            }
        }
        return again;
    }
}
