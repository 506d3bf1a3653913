package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.partnerregistry.domain.PartnerEventSource;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A source's item: its key in the partner's partition, its attributes, and back. */
class SourceItemTest {

    private final PartnerEventSource source = new PartnerEventSource("aws.partner/example.com/orders/shop-42", "123456789012",
            Instant.ofEpochMilli(1764154210123L), PartnerEventSource.SourceState.PENDING);

    @Test
    void aSourceIsStoredInItsPartnersPartitionUnderItsName() {
        assertEquals(Map.of(
                "pk", AttributeValue.fromS("PARTNER#example.com"),
                "sk", AttributeValue.fromS("SOURCE#aws.partner/example.com/orders/shop-42"),
                "name", AttributeValue.fromS("aws.partner/example.com/orders/shop-42"),
                "account", AttributeValue.fromS("123456789012"),
                "createdAt", AttributeValue.fromN("1764154210123"),
                "state", AttributeValue.fromS("PENDING")), SourceItem.of(source));
    }

    @Test
    void anItemReadsBackAsTheSameSource() {
        assertEquals(source, SourceItem.source(SourceItem.of(source)));
    }
}
