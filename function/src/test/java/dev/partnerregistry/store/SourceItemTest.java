package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.PartnerEventSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A source's item: its key in the partner's partition, its attributes, and back. */
class SourceItemTest {

    private final PartnerEventSource source = PartnerEventSource.created("aws.partner/example.com/orders/shop-42", "123456789012",
            Instant.ofEpochMilli(1764154210123L), Instant.ofEpochMilli(1764759010123L));

    @Test
    void aSourceIsStoredInItsPartnersSourcePartitionUnderItsName() {
        assertEquals(Map.of(
                "pk", AttributeValue.fromS("SOURCES#example.com"),
                "sk", AttributeValue.fromS("SOURCE#aws.partner/example.com/orders/shop-42"),
                "name", AttributeValue.fromS("aws.partner/example.com/orders/shop-42"),
                "account", AttributeValue.fromS("123456789012"),
                "createdAt", AttributeValue.fromN("1764154210123"),
                "state", AttributeValue.fromS("PENDING"),
                "expiresAt", AttributeValue.fromN("1764759010123"),
                "expiryQueue", AttributeValue.fromS("PENDING")), SourceItem.of(source));
    }

    @Test
    void aSourceItemNamesOnlyTheAttributesIamLetsTheFunctionWrite() {
        assertTrue(RegistryTable.SOURCE_ATTRIBUTES.containsAll(SourceItem.of(source, "call-1").keySet()));
        assertTrue(RegistryTable.SOURCE_ATTRIBUTES.containsAll(List.of(RegistryTable.PARTITION_KEY, RegistryTable.ACCOUNT)),
                "the delete's condition names pk and account");
    }

    @Test
    void anItemReadsBackAsTheSameSource() {
        assertEquals(source, SourceItem.source(SourceItem.of(source)));
    }
}
