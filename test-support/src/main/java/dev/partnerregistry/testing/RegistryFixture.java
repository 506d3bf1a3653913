package dev.partnerregistry.testing;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.store.RegistryTable;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The registry wired to a real engine table, with a registered partner to act as. */
public final class RegistryFixture {

    public static final String PARTNER = "example.com";
    public static final Caller PARTNER_CALLER = new Caller("arn:aws:iam::123456789012:user/example-partner");
    public static final String OTHER_PARTNER = "other.example";
    public static final Caller OTHER_CALLER = new Caller("arn:aws:iam::210987654321:user/other-partner");
    public static final String ACCOUNT = "123456789012";

    public final DynamoDbEngine.EngineTable table;
    public final DynamoDbRegistryAdmin admin;
    public final PartnerRegistry registry;

    public RegistryFixture(DynamoDbEngine.EngineTable table, int defaultPartnerLimit) {
        this.table = table;
        this.admin = new DynamoDbRegistryAdmin(table.client(), table.tableName());
        this.registry = table.registry(defaultPartnerLimit);
        admin.registerPrincipals(PARTNER, List.of(PARTNER_CALLER.principalArn()));
        admin.registerPrincipals(OTHER_PARTNER, List.of(OTHER_CALLER.principalArn()));
    }

    /** Registers a partner acted for by a role of its own name, with its own limit unless null. */
    public Caller registerPartner(String partner, Integer limit) {
        Caller caller = new Caller("arn:aws:iam::123456789012:role/" + partner);
        admin.registerPrincipals(partner, List.of(caller.principalArn()));
        if (limit != null) {
            admin.setPartnerLimit(partner, limit);
        }
        return caller;
    }

    /** The partner's counter as stored, or 0 when it has none yet. */
    public int sourceCount(String partner) {
        AttributeValue count = admin.partner(partner).get(RegistryTable.SOURCE_COUNT);
        return count == null ? 0 : Integer.parseInt(count.n());
    }

    /** Every item in the partner's partition that is a source, read straight from the table. */
    public int storedSources(String partner) {
        return table.client().query(r -> r.tableName(table.tableName())
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :source)")
                .expressionAttributeNames(Map.of("#pk", RegistryTable.PARTITION_KEY, "#sk", RegistryTable.SORT_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(RegistryTable.sourcePartition(partner)),
                        ":source", AttributeValue.fromS(RegistryTable.sourceSortKey(""))))
                .consistentRead(true)).count();
    }
}
