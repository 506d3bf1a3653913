package dev.partnerregistry.store;

import dev.partnerregistry.domain.JsonWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * One SQS queue over AWS JSON 1.0 ({@link AwsJsonClient}, by hand: the SDK's SQS client would add to the jar for four
 * calls). {@link #send} uses SendMessageBatch within its limits, at most {@value #BATCH} messages and
 * {@value #BATCH_BYTES} bytes of bodies a call (the SQS API reference: 1 MiB a message and a batch); a message SQS
 * refuses is sent once more, and one still refused is reported as not sent.
 */
public final class SqsQueue {

    static final int BATCH = 10;
    static final int BATCH_BYTES = 1_048_576;

    private final AwsJsonClient sqs;
    private final String queueUrl;

    public SqsQueue(AwsJsonClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /**
     * {@code json} with every character SQS does not take in a message (the API reference allows #x9, #xA, #xD,
     * #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF) written as a JSON escape, which reads back as the same text.
     * Outside strings JSON has only ASCII, so only characters inside strings change. One that SQS refused would fail
     * its whole SendMessageBatch entry, and with it the partner's entry, however often it was sent.
     */
    static String sqsCharacters(String json) {
        StringBuilder escaped = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1));
            boolean allowed = pair || c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c <= 0xFFFD);
            if (!allowed && escaped == null) {
                escaped = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            if (escaped != null) {
                if (allowed) {
                    escaped.append(c);
                } else {
                    escaped.append(String.format("\\u%04x", (int) c));
                }
                if (pair) {
                    escaped.append(json.charAt(i + 1));
                }
            }
            if (pair) {
                i++;
            }
        }
        return escaped == null ? json : escaped.toString();
    }

    /** A received message: its id, its receipt handle, its body and its receive count (ApproximateReceiveCount). */
    public record Received(String messageId, String receiptHandle, String body, int receiveCount) {
    }

    public String url() {
        return queueUrl;
    }

    /**
     * One result per JSON body, in order: true once it is on the queue. Characters SQS refuses in a message (U+FFFE,
     * U+FFFF, a lone surrogate: JSON allows them raw) are sent as JSON escapes, {@link #sqsCharacters}.
     */
    public List<Boolean> send(List<String> jsonBodies) {
        List<String> bodies = jsonBodies.stream().map(SqsQueue::sqsCharacters).toList();
        List<Boolean> sent = new ArrayList<>(Collections.nCopies(bodies.size(), false));
        List<Integer> batch = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < bodies.size(); i++) {
            long size = bodies.get(i).getBytes(StandardCharsets.UTF_8).length;
            if (!batch.isEmpty() && (batch.size() == BATCH || bytes + size > BATCH_BYTES)) {
                sendWithRetry(bodies, batch, sent);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(i);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            sendWithRetry(bodies, batch, sent);
        }
        return sent;
    }

    private void sendWithRetry(List<String> bodies, List<Integer> batch, List<Boolean> sent) {
        List<Integer> pending = batch;
        for (int attempt = 0; attempt < 2 && !pending.isEmpty(); attempt++) {
            pending = sendBatch(bodies, pending, sent);
        }
    }

    /** Sends the bodies at {@code indexes}; marks the sent ones, and answers the indexes still to send. */
    private List<Integer> sendBatch(List<String> bodies, List<Integer> indexes, List<Boolean> sent) {
        // Written by hand into one String: each message quoted once (the request's hot path, PutPartnerEvents').
        StringBuilder body = new StringBuilder(64 + indexes.stream().mapToInt(i -> bodies.get(i).length() + 40).sum());
        JsonWriter.quote(body.append("{\"QueueUrl\":"), queueUrl).append(",\"Entries\":[");
        for (int k = 0; k < indexes.size(); k++) {
            body.append(k == 0 ? "{\"Id\":\"" : ",{\"Id\":\"").append(indexes.get(k)).append("\",\"MessageBody\":");
            JsonWriter.quote(body, bodies.get(indexes.get(k))).append('}');
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
                    sent.set(index, true);
                    again.remove(Integer.valueOf(index));
                }
            }
        }
        return again;
    }

    /**
     * Up to ten messages, hidden from other receivers for {@code visibilitySeconds}; none when the queue looks empty.
     * Prefer {@code waitSeconds} 0 on a local engine, which answers one request at a time.
     */
    public List<Received> receive(int visibilitySeconds, int waitSeconds) {
        JsonNode answer = call("ReceiveMessage", w -> w.writeFieldName("QueueUrl").writeValue(queueUrl)
                .writeFieldName("MaxNumberOfMessages").writeValue(BATCH)
                .writeFieldName("VisibilityTimeout").writeValue(visibilitySeconds)
                .writeFieldName("WaitTimeSeconds").writeValue(waitSeconds)
                .writeFieldName("MessageSystemAttributeNames").writeStartArray().writeValue(RECEIVE_COUNT).writeEndArray());
        JsonNode messages = answer.isObject() ? answer.asObject().get("Messages") : null;
        List<Received> received = new ArrayList<>();
        if (messages != null && messages.isArray()) {
            for (JsonNode message : messages.asArray()) {
                JsonNode attributes = message.asObject().get("Attributes");
                JsonNode count = attributes != null && attributes.isObject() ? attributes.asObject().get(RECEIVE_COUNT) : null;
                received.add(new Received(message.asObject().get("MessageId").asString(), message.asObject().get("ReceiptHandle").asString(),
                        message.asObject().get("Body").asString(), count != null && count.isString() ? Integer.parseInt(count.asString()) : 1));
            }
        }
        return received;
    }

    /** Deletes the messages of these receipt handles (a done message is never received again). */
    public void delete(List<String> receiptHandles) {
        entries("DeleteMessageBatch", receiptHandles, (w, handle) -> { });
    }

    /** Makes these received messages visible again at once (received and left as they were). */
    public void release(List<String> receiptHandles) {
        entries("ChangeMessageVisibilityBatch", receiptHandles, (w, handle) -> w.writeFieldName("VisibilityTimeout").writeValue(0));
    }

    /** The SQS message attribute of a message's receive count. */
    public static final String RECEIVE_COUNT = "ApproximateReceiveCount";

    private void entries(String action, List<String> receiptHandles, java.util.function.BiConsumer<StructuredJsonGenerator, String> more) {
        for (int start = 0; start < receiptHandles.size(); start += BATCH) {
            List<String> batch = receiptHandles.subList(start, Math.min(start + BATCH, receiptHandles.size()));
            call(action, w -> {
                w.writeFieldName("QueueUrl").writeValue(queueUrl).writeFieldName("Entries").writeStartArray();
                for (int i = 0; i < batch.size(); i++) {
                    w.writeStartObject().writeFieldName("Id").writeValue(Integer.toString(i))
                            .writeFieldName("ReceiptHandle").writeValue(batch.get(i));
                    more.accept(w, batch.get(i));
                    w.writeEndObject();
                }
                w.writeEndArray();
            });
        }
    }

    /** An SQS call's members, written into its request object. */
    public interface Members {
        void write(StructuredJsonGenerator w);
    }

    /**
     * Any SQS action on {@code sqs}, for the tools (the local runtime creates its queues so): the answer's JSON.
     *
     * @throws IllegalStateException when SQS cannot be reached or answers an error
     */
    public static JsonNode call(AwsJsonClient sqs, String action, Members members) {
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
                    + answer.errorMessage());
        }
        return answer.body();
    }

    private JsonNode call(String action, Members members) {
        return call(sqs, action, members);
    }
}
