package dev.partnerregistry.infra;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * The registry's single table: {@code pk}/{@code sk} strings, no indexes, no TTL, as the
 * function's store expects. It holds the only copy of every partner's sources, so it is
 * retained on stack deletion, protected from deletion, and recoverable to any second of the
 * last 35 days. CloudFormation names it, so two stacks in one account never collide.
 */
public final class PartnerSourceTable extends Construct {

    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";

    private final Table table;

    public PartnerSourceTable(Construct scope, String id, Props props) {
        super(scope, id);
        this.table = Table.Builder.create(this, "Table")
                .partitionKey(Attribute.builder().name(PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(SORT_KEY).type(AttributeType.STRING).build())
                // On demand: partner registrations are rare and bursty; there is nothing to size.
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(props.deletionProtection())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    public ITable table() {
        return table;
    }

    /** @param deletionProtection DynamoDB deletion protection; on unless a throwaway stack turns it off */
    public record Props(boolean deletionProtection) {

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private boolean deletionProtection = true;

            public Builder deletionProtection(boolean v) { this.deletionProtection = v; return this; }

            public Props build() {
                return new Props(deletionProtection);
            }
        }
    }
}
