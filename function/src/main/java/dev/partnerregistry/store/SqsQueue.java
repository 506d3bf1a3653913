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
     * Appends a JSON message body as the JSON string of its {@code MessageBody} member, in one pass: quotes, backslashes
     * and control characters escaped for the request, and every character SQS refuses in a message (the API reference
     * allows #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF; JSON allows U+FFFE, U+FFFF and a lone
     * surrogate raw inside its strings) escaped once more, so that the message SQS keeps holds its JSON escape, which
     * reads back as the same text. Outside strings JSON has only ASCII, so only characters inside strings take it. One
     * that SQS refused would fail its whole SendMessageBatch entry, and with it the partner's entry, however often sent.
     */
    static StringBuilder quoteMessage(StringBuilder out, String json) {
        out.append('"');
        int length = json.length();
        int i = 0;
        while (i < length && plain(json.charAt(i))) {
            i++;
        }
        if (i == length) {
            return out.append(json).append('"');
        }
        out.append(json, 0, i);
        for (; i < length; i++) {
            char c = json.charAt(i);
            if (plain(c)) {
                out.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(json.charAt(i + 1))) {
                out.append(c).append(json.charAt(++i));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                // U+FFFE, U+FFFF or a lone surrogate: its JSON escape, itself escaped for the request.
                out.append(String.format("\\\\u%04x", (int) c));
            }
        }
        return out.append('"');
    }

    /** Sent as it is, in the request and in the message. */
    private static boolean plain(char c) {
        return c >= 0x20 && c != '"' && c != '\\' && (c < 0xD800 || (c >= 0xE000 && c <= 0xFFFD));
    }

    /**
     * The UTF-8 bytes of the message SQS keeps from {@code quoted} ({@link #quoteMessage}'s form, its escapes for SQS
     * included), counted from the quoted form without decoding it.
     */
    static long quotedMessageBytes(String quoted) {
        long bytes = 0;
        int end = quoted.length() - 1;
        for (int i = 1; i < end; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < end) {
                char escaped = quoted.charAt(++i);
                if (escaped == 'u' && i + 4 < end) {
                    // A character the message holds raw, written as an escape in the request: a control character.
                    char raw = (char) Integer.parseInt(quoted, i + 1, i + 5, 16);
                    bytes += raw < 0x80 ? 1 : raw < 0x800 ? 2 : 3;
                    i += 4;
                } else {
                    bytes += 1;
                }
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(quoted.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The index an answer's entry Id names, if it is one this batch sent. */
    private static Integer indexOf(String id, List<Integer> sentIndexes) {
        for (Integer index : sentIndexes) {
            if (id.equals(index.toString())) {
                return index;
            }
        }
        return null;
    }

    /** A received message: its id, its receipt handle, its body and its receive count (ApproximateReceiveCount). */
    public record Received(String messageId, String receiptHandle, String body, int receiveCount) {
    }

    public String url() {
        return queueUrl;
    }

    /**
     * One result per JSON body, in order: true once it is on the queue. Characters SQS refuses in a message (U+FFFE,
     * U+FFFF, a lone surrogate: JSON allows them raw) are sent as JSON escapes, {@link #quoteMessage}.
     */
    public List<Boolean> send(List<String> bodies) {
        List<String> quoted = new ArrayList<>(bodies.size());
        for (String body : bodies) {
            quoted.add(quoteMessage(new StringBuilder(body.length() + 64), body).toString());
        }
        return sendQuoted(quoted);
    }

    /**
     * {@link #send} for bodies already written as the JSON strings of their {@code MessageBody} members, as
     * {@link #quoteMessage} writes them ({@code JsonWriter.nested} writes a message that way in one pass).
     */
    public List<Boolean> sendQuoted(List<String> quotedBodies) {
        List<Boolean> sent = new ArrayList<>(Collections.nCopies(quotedBodies.size(), false));
        // A quoted character is at most 3 bytes of the message SQS keeps; most sends are far below a batch's limit, so counted exactly only near it.
        boolean exact = quotedBodies.stream().mapToLong(String::length).sum() * 3 > BATCH_BYTES;
        List<Integer> batch = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < quotedBodies.size(); i++) {
            long size = exact ? quotedMessageBytes(quotedBodies.get(i)) : 0;
            if (!batch.isEmpty() && (batch.size() == BATCH || bytes + size > BATCH_BYTES)) {
                sendWithRetry(quotedBodies, batch, sent);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(i);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            sendWithRetry(quotedBodies, batch, sent);
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
        // Written by hand into one String, each message already quoted (the request's hot path, PutPartnerEvents').
        StringBuilder body = new StringBuilder(64 + indexes.stream().mapToInt(i -> bodies.get(i).length() + 40).sum());
        JsonWriter.quote(body.append("{\"QueueUrl\":"), queueUrl).append(",\"Entries\":[");
        for (int k = 0; k < indexes.size(); k++) {
            body.append(k == 0 ? "{\"Id\":\"" : ",{\"Id\":\"").append(indexes.get(k)).append("\",\"MessageBody\":")
                    .append(bodies.get(indexes.get(k))).append('}');
        }
        body.append("]}");
        AwsJsonClient.Answer answer;
        try {
            answer = sqs.call("AmazonSQS.SendMessageBatch", body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException unreachable) {
            return indexes; // no answer (or no credentials): nothing is known sent
        }
        if (!answer.ok()) {
            return indexes;
        }
        JsonNode successful = answer.body().isObject() ? answer.body().asObject().get("Successful") : null;
        List<Integer> again = new ArrayList<>(indexes);
        if (successful != null && successful.isArray()) {
            for (JsonNode entry : successful.asArray()) {
                JsonNode id = entry.isObject() ? entry.asObject().get("Id") : null;
                Integer index = id != null && id.isString() ? indexOf(id.asString(), indexes) : null;
                if (index != null) {
                    sent.set(index, true);
                    again.remove(index);
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
        entries("DeleteMessageBatch", receiptHandles, w -> { });
    }

    /** Makes these received messages visible again at once (received and left as they were). */
    public void release(List<String> receiptHandles) {
        entries("ChangeMessageVisibilityBatch", receiptHandles, w -> w.writeFieldName("VisibilityTimeout").writeValue(0));
    }

    /** The SQS message attribute of a message's receive count. */
    public static final String RECEIVE_COUNT = "ApproximateReceiveCount";

    /** {@code action} on the receipt handles, ten entries a call, each entry with {@code more} members. */
    private void entries(String action, List<String> receiptHandles, Members more) {
        for (int start = 0; start < receiptHandles.size(); start += BATCH) {
            List<String> batch = receiptHandles.subList(start, Math.min(start + BATCH, receiptHandles.size()));
            call(action, w -> {
                w.writeFieldName("QueueUrl").writeValue(queueUrl).writeFieldName("Entries").writeStartArray();
                for (int i = 0; i < batch.size(); i++) {
                    w.writeStartObject().writeFieldName("Id").writeValue(Integer.toString(i))
                            .writeFieldName("ReceiptHandle").writeValue(batch.get(i));
                    more.write(w);
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
