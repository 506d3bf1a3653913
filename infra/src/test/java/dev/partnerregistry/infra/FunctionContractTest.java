package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.api.RequestLog;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.store.RegistryTable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * What the stack provisions agrees with what the function's code uses, read from the code's own
 * constants: the table's keys, the DynamoDB actions of its role, and the metric names and
 * dimensions its alarms and dashboard read.
 */
class FunctionContractTest {

    private final Synthesized synth = Synthesized.regional();
    private final Template template = synth.template();

    @Test
    void theTableKeySchemaIsTheStoresKeySchema() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(
                        Map.of("AttributeName", RegistryTable.PARTITION_KEY, "KeyType", "HASH"),
                        Map.of("AttributeName", RegistryTable.SORT_KEY, "KeyType", "RANGE")),
                "AttributeDefinitions", List.of(
                        Map.of("AttributeName", RegistryTable.PARTITION_KEY, "AttributeType", "S"),
                        Map.of("AttributeName", RegistryTable.SORT_KEY, "AttributeType", "S")))));
    }

    @Test
    void theRoleMayCallExactlyTheActionsTheStoreCallsOnTheItemsItOwns() {
        assertEquals(RegistryTable.FUNCTION_READ_ACTIONS, RegistryFunction.READ_ACTIONS);
        assertEquals(RegistryTable.FUNCTION_SOURCE_ACTIONS, RegistryFunction.SOURCE_ACTIONS);
        assertEquals(RegistryTable.FUNCTION_COUNTER_ACTIONS, RegistryFunction.COUNTER_ACTIONS);
        assertEquals(RegistryTable.SOURCE_PARTITION_PREFIX + "*", RegistryFunction.SOURCE_PARTITIONS);
        assertEquals(RegistryTable.COUNTER_PARTITION_PREFIX + "*", RegistryFunction.COUNTER_PARTITIONS);
        assertEquals(RegistryTable.SOURCE_ATTRIBUTES, RegistryFunction.SOURCE_ATTRIBUTES);
        assertEquals(RegistryTable.COUNTER_ATTRIBUTES, RegistryFunction.COUNTER_ATTRIBUTES);
        // Keys the function must never be able to write, by partition.
        for (Map<String, ?> key : List.of(RegistryTable.partnerKey("p"), RegistryTable.regionKey("us-east-1"), RegistryTable.pageTokenKeyKey())) {
            String partition = ((software.amazon.awssdk.services.dynamodb.model.AttributeValue) key.get(RegistryTable.PARTITION_KEY)).s();
            assertFalse(partition.startsWith(RegistryTable.SOURCE_PARTITION_PREFIX) || partition.startsWith(RegistryTable.COUNTER_PARTITION_PREFIX),
                    partition + " must not be writable by the function");
        }
    }

    @Test
    void theAlarmsAndDashboardReadTheMetricsTheFunctionWrites() {
        assertEquals(RegistrySettings.DEFAULT_METRICS_NAMESPACE, RequestMetrics.NAMESPACE);
        assertEquals(List.of(RequestLog.REQUESTS, RequestLog.ERRORS, RequestLog.FAULTS, RequestLog.LATENCY), RequestMetrics.METRICS);
        assertEquals(RequestLog.OPERATION, RequestMetrics.OPERATION);
        assertEquals(RequestLog.OUTCOME, RequestMetrics.OUTCOME);
        assertEquals(RequestLog.SUCCESS, RequestMetrics.SUCCESS);
        assertEquals(Arrays.stream(RegistryOperation.values()).map(RegistryOperation::operationName).toList(), RequestMetrics.OPERATIONS);
    }
}
