package dev.partnerregistry;

import java.net.URI;
import java.util.Map;

/**
 * Where accepted partner events go, read once from the environment.
 *
 * @param queueUrl       {@code EVENT_QUEUE_URL}: the SQS queue the registry function puts accepted events on (null: none,
 *                       an event for an ACTIVE source then fails with InternalFailure)
 * @param sqsEndpoint    {@code SQS_ENDPOINT}, else DYNAMODB_ENDPOINT (moto and LocalStack serve both), else the SDKs'
 *                       {@code AWS_ENDPOINT_URL_SQS} / {@code AWS_ENDPOINT_URL}; null: the region's
 * @param eventsEndpoint {@code EVENTS_ENDPOINT}, else DYNAMODB_ENDPOINT, else {@code AWS_ENDPOINT_URL_EVENTBRIDGE} /
 *                       {@code AWS_ENDPOINT_URL}; null: the region of each customer's bus
 */
public record EventDeliverySettings(String queueUrl, URI sqsEndpoint, URI eventsEndpoint) {

    public static EventDeliverySettings none() {
        return new EventDeliverySettings(null, null, null);
    }

    public EventDeliverySettings withQueue(String url, URI endpoint) {
        return new EventDeliverySettings(url, endpoint, eventsEndpoint);
    }

    public EventDeliverySettings withEventsEndpoint(URI endpoint) {
        return new EventDeliverySettings(queueUrl, sqsEndpoint, endpoint);
    }

    static EventDeliverySettings fromEnvironment(Map<String, String> env) {
        String queue = env.get("EVENT_QUEUE_URL");
        return new EventDeliverySettings(queue == null || queue.isBlank() ? null : queue.trim(),
                uri(env, "SQS_ENDPOINT", "DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"),
                uri(env, "EVENTS_ENDPOINT", "DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_ENDPOINT_URL"));
    }

    private static URI uri(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.trim());
            }
        }
        return null;
    }
}
