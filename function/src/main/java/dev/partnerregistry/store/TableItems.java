package dev.partnerregistry.store;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableMetadata;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The single table's item types and their static (non-reflective) schemas.
 *
 * <pre>
 * pk                    sk                   item
 * PARTNER#&lt;partner&gt;    PARTNER              partner: principals, sourceLimit (override), sourceCount
 * PARTNER#&lt;partner&gt;    SOURCE#&lt;name&gt;        source: name, account, createdAt, state
 * REGION#&lt;region&gt;      REGION               region switches: disabledOperations
 * CONFIG                PAGE_TOKEN_KEY       the HMAC key of NextTokens
 * </pre>
 *
 * A partner's sources share its partition, sorted by name: listing by prefix is a Query with
 * begins_with, describe and delete are key lookups, and the counter sits beside what it counts.
 */
final class TableItems {

    static final String PK = "pk";
    static final String SK = "sk";
    static final String PARTNER_SK = "PARTNER";
    static final String SOURCE_SK_PREFIX = "SOURCE#";
    static final String REGION_SK = "REGION";

    private TableItems() {
    }

    static String partnerPk(String partner) {
        return "PARTNER#" + partner;
    }

    static Key partnerKey(String partner) {
        return Key.builder().partitionValue(partnerPk(partner)).sortValue(PARTNER_SK).build();
    }

    static Key sourceKey(String partner, String name) {
        return Key.builder().partitionValue(partnerPk(partner)).sortValue(SOURCE_SK_PREFIX + name).build();
    }

    static Key regionKey(String region) {
        return Key.builder().partitionValue("REGION#" + region).sortValue(REGION_SK).build();
    }

    /** The key as the attribute map the low-level requests take; every item type shares pk/sk. */
    static Map<String, AttributeValue> keyMap(Key key) {
        return key.keyMap(SOURCE, TableMetadata.primaryIndexName());
    }

    static Key pageTokenKeyKey() {
        return Key.builder().partitionValue("CONFIG").sortValue("PAGE_TOKEN_KEY").build();
    }

    static final class SourceItem {
        String pk;
        String sk;
        String name;
        String account;
        Long createdAt;
        String state;
    }

    static final class PartnerItem {
        String pk;
        String sk;
        String partner;
        Set<String> principals;
        Integer sourceLimit;
        Integer sourceCount;
    }

    static final class RegionItem {
        String pk;
        String sk;
        String region;
        Set<String> disabledOperations;
    }

    static final class PageTokenKeyItem {
        String pk;
        String sk;
        SdkBytes secret;
    }

    static final StaticTableSchema<SourceItem> SOURCE = StaticTableSchema.builder(SourceItem.class)
            .newItemSupplier(SourceItem::new)
            .addAttribute(String.class, a -> a.name(PK).getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SK).getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("name").getter(i -> i.name).setter((i, v) -> i.name = v))
            .addAttribute(String.class, a -> a.name("account").getter(i -> i.account).setter((i, v) -> i.account = v))
            .addAttribute(Long.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
            .addAttribute(String.class, a -> a.name("state").getter(i -> i.state).setter((i, v) -> i.state = v))
            .build();

    static final StaticTableSchema<PartnerItem> PARTNER = StaticTableSchema.builder(PartnerItem.class)
            .newItemSupplier(PartnerItem::new)
            .addAttribute(String.class, a -> a.name(PK).getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SK).getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("partner").getter(i -> i.partner).setter((i, v) -> i.partner = v))
            .addAttribute(EnhancedType.setOf(String.class),
                    a -> a.name("principals").getter(i -> i.principals).setter((i, v) -> i.principals = v))
            .addAttribute(Integer.class, a -> a.name("sourceLimit").getter(i -> i.sourceLimit).setter((i, v) -> i.sourceLimit = v))
            .addAttribute(Integer.class, a -> a.name("sourceCount").getter(i -> i.sourceCount).setter((i, v) -> i.sourceCount = v))
            .build();

    static final StaticTableSchema<RegionItem> REGION = StaticTableSchema.builder(RegionItem.class)
            .newItemSupplier(RegionItem::new)
            .addAttribute(String.class, a -> a.name(PK).getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SK).getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("region").getter(i -> i.region).setter((i, v) -> i.region = v))
            .addAttribute(EnhancedType.setOf(String.class),
                    a -> a.name("disabledOperations").getter(i -> i.disabledOperations).setter((i, v) -> i.disabledOperations = v))
            .build();

    static final StaticTableSchema<PageTokenKeyItem> PAGE_TOKEN_KEY = StaticTableSchema.builder(PageTokenKeyItem.class)
            .newItemSupplier(PageTokenKeyItem::new)
            .addAttribute(String.class, a -> a.name(PK).getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SK).getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(SdkBytes.class, a -> a.name("secret").getter(i -> i.secret).setter((i, v) -> i.secret = v))
            .build();
}
