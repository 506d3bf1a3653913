package dev.partnerregistry;

import java.net.URI;

/**
 * Where accepted partner events go; part of {@link RegistrySettings}, built by its builder.
 *
 * @param queueUrl       {@code EVENT_QUEUE_URL}: the SQS queue the registry function puts accepted events on (null: none,
 *                       an event for an ACTIVE source then fails with InternalFailure)
 * @param deadLetterQueueUrl {@code DEAD_LETTER_QUEUE_URL}: the forwarder's dead-letter queue, where it puts what it gives up
 *                       on with the reason (null: none, every failure goes back to the delivery queue); the operator's
 *                       dead-letter commands read it
 * @param sqsEndpoint    {@code SQS_ENDPOINT}, else DYNAMODB_ENDPOINT (moto and LocalStack serve both), else the SDKs'
 *                       {@code AWS_ENDPOINT_URL_SQS} / {@code AWS_ENDPOINT_URL}; null: the region's
 * @param eventsEndpoint {@code EVENTS_ENDPOINT}, else DYNAMODB_ENDPOINT, else {@code AWS_ENDPOINT_URL_EVENTBRIDGE} /
 *                       {@code AWS_ENDPOINT_URL}; null: the region of each customer's bus
 */
public record EventDeliverySettings(String queueUrl, String deadLetterQueueUrl, URI sqsEndpoint, URI eventsEndpoint) {

    static EventDeliverySettings from(RegistrySettings.Builder variables) {
        return new EventDeliverySettings(variables.text(RegistrySettings.Variable.EVENT_QUEUE_URL.name()),
                variables.text(RegistrySettings.Variable.DEAD_LETTER_QUEUE_URL.name()),
                variables.uri("SQS_ENDPOINT", "DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"),
                variables.uri("EVENTS_ENDPOINT", "DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_ENDPOINT_URL"));
    }
}
