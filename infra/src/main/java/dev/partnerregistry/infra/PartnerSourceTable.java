package dev.partnerregistry.infra;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * The registry's single table: {@code pk}/{@code sk} strings and two sparse global secondary
 * indexes, no TTL, as the function's store expects. It holds the only copy of every partner's
 * sources, so it is retained on stack deletion, protected from deletion, and recoverable to any
 * second of the last 35 days. CloudFormation names it, so two stacks in one account never collide.
 *
 * <ul>
 *   <li>{@value #ACCOUNT_INDEX}: a customer's sources, partition key {@value #ACCOUNT} (only source
 *       items carry it), sort key {@code sk}; every attribute projected, so that ListEventSources
 *       answers from the index alone.</li>
 *   <li>{@value #EXPIRY_INDEX}: PENDING sources by expiry, partition key {@value #EXPIRY_QUEUE}
 *       (set only while a source is PENDING), sort key {@value #EXPIRES_AT} (a number); keys only,
 *       since the sweep needs nothing but the source's key to delete it and count it out.</li>
 * </ul>
 *
 * <p>CloudFormation adds or deletes one global secondary index per update of an existing table
 * (DynamoDB's UpdateTable creates one at a time): a table deployed before the indexes gains them
 * in two deploys, the first with {@link Props#accountIndexOnly()} (docs/deploy.md, "Upgrading to source expiry").
 */
public final class PartnerSourceTable extends Construct {

    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    public static final String ACCOUNT_INDEX = "byAccount";
    public static final String ACCOUNT = "account";
    public static final String EXPIRY_INDEX = "byExpiry";
    public static final String EXPIRY_QUEUE = "expiryQueue";
    public static final String EXPIRES_AT = "expiresAt";

    private final Table table;
    private final boolean expiryIndex;

    public PartnerSourceTable(Construct scope, String id, Props props) {
        super(scope, id);
        this.table = Table.Builder.create(this, "Table")
                .partitionKey(Attribute.builder().name(PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(SORT_KEY).type(AttributeType.STRING).build())
                // On demand: partner registrations are rare and bursty; there is nothing to size.
                // The indexes inherit the mode, so they have nothing to size either.
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(props.deletionProtection())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(ACCOUNT_INDEX)
                .partitionKey(Attribute.builder().name(ACCOUNT).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(SORT_KEY).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        this.expiryIndex = !props.accountIndexOnly();
        if (expiryIndex) {
            table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                    .indexName(EXPIRY_INDEX)
                    .partitionKey(Attribute.builder().name(EXPIRY_QUEUE).type(AttributeType.STRING).build())
                    .sortKey(Attribute.builder().name(EXPIRES_AT).type(AttributeType.NUMBER).build())
                    .projectionType(ProjectionType.KEYS_ONLY)
                    .build());
        }
    }

    public ITable table() {
        return table;
    }

    /** Whether the table has {@value #EXPIRY_INDEX}, which the expiry sweep queries. */
    public boolean hasExpiryIndex() {
        return expiryIndex;
    }

    /**
     * @param deletionProtection DynamoDB deletion protection; on unless a throwaway stack turns it off
     * @param accountIndexOnly   only {@value #ACCOUNT_INDEX}: the first of the two deploys that give a
     *                           table made without indexes both of them, one per stack update
     */
    public record Props(boolean deletionProtection, boolean accountIndexOnly) {

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private boolean deletionProtection = true;
            private boolean accountIndexOnly;

            public Builder deletionProtection(boolean v) { this.deletionProtection = v; return this; }
            public Builder accountIndexOnly(boolean v) { this.accountIndexOnly = v; return this; }

            public Props build() {
                return new Props(deletionProtection, accountIndexOnly);
            }
        }
    }
}
