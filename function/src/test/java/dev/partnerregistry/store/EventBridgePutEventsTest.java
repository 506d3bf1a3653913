package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.partnerregistry.domain.QueuedEvent;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Where the forwarder sends: each region's endpoint under its partition's domain, and no client for a region AWS does not have. */
class EventBridgePutEventsTest {

    @Test
    void aRegionsEndpointIsUnderItsPartitionsOwnDomain() {
        assertEquals(URI.create("https://events.eu-west-1.amazonaws.com"), AwsJsonClient.endpoint(null, "events", "eu-west-1"));
        assertEquals(URI.create("https://events.cn-north-1.amazonaws.com.cn"), AwsJsonClient.endpoint(null, "events", "cn-north-1"));
        assertEquals(URI.create("http://127.0.0.1:5000"), AwsJsonClient.endpoint(URI.create("http://127.0.0.1:5000"), "events", "eu-west-1"));
    }

    @Test
    void eventsForABusInNoKnownRegionFailWithoutACallAndWithoutAClient() {
        // Queued before CreateEventBus checked regions: refused, not retried, so they go to the dead-letter queue.
        String bus = "arn:aws:events:zz-zz-evil_host:123456789012:event-bus/orders";
        QueuedEvent event = new QueuedEvent("id", "aws.partner/example.com/o/s", "example.com", "123456789012", bus, Instant.EPOCH,
                "t", "{}", List.of());
        EventBridgePutEvents writer = new EventBridgePutEvents(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")),
                URI.create("http://127.0.0.1:1"));
        assertEquals(List.of("InvalidArgument", "InvalidArgument"),
                writer.put(bus, List.of(event, event)).stream().map(dev.partnerregistry.domain.EventBusWriter.Failure::code).toList());
        assertEquals(0, writer.clients());
    }
}
