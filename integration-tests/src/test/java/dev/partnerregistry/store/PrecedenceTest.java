package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The documented order of errors, for every operation and every combination of the conditions
 * that apply to it, on a real engine: Validation > OperationDisabled > AccessDenied > the
 * operation's own errors (ResourceAlreadyExists > LimitExceeded; ResourceNotFound > an invalid
 * NextToken). Each row gets its own partner and its own region, so its switches touch no other row.
 */
@ExtendWith(DynamoDbEngine.class)
class PrecedenceTest {

    /** What can be wrong with a call, in the order the answer reports it. */
    enum Condition { INVALID_INPUT, DISABLED, UNREGISTERED, EXISTS, AT_LIMIT, MISSING, BAD_TOKEN }

    private static final String ACCOUNT = "123456789012";
    private static final Caller STRANGER = new Caller("arn:aws:iam::999999999999:user/stranger");
    private static final AtomicInteger ROWS = new AtomicInteger();

    private final DynamoDbEngine.EngineTable table;
    private final DynamoDbRegistryAdmin admin;

    PrecedenceTest(DynamoDbEngine.EngineTable table) {
        this.table = table;
        this.admin = new DynamoDbRegistryAdmin(table.client(), table.tableName());
    }

    @TestFactory
    Stream<DynamicTest> createPartnerEventSource() {
        return rows(RegistryOperation.CREATE_PARTNER_EVENT_SOURCE,
                EnumSet.of(Condition.INVALID_INPUT, Condition.DISABLED, Condition.UNREGISTERED, Condition.EXISTS, Condition.AT_LIMIT));
    }

    @TestFactory
    Stream<DynamicTest> describePartnerEventSource() {
        return rows(RegistryOperation.DESCRIBE_PARTNER_EVENT_SOURCE,
                EnumSet.of(Condition.INVALID_INPUT, Condition.DISABLED, Condition.UNREGISTERED, Condition.MISSING));
    }

    @TestFactory
    Stream<DynamicTest> listPartnerEventSources() {
        return rows(RegistryOperation.LIST_PARTNER_EVENT_SOURCES,
                EnumSet.of(Condition.INVALID_INPUT, Condition.DISABLED, Condition.UNREGISTERED, Condition.BAD_TOKEN));
    }

    @TestFactory
    Stream<DynamicTest> listPartnerEventSourceAccounts() {
        return rows(RegistryOperation.LIST_PARTNER_EVENT_SOURCE_ACCOUNTS,
                EnumSet.of(Condition.INVALID_INPUT, Condition.DISABLED, Condition.UNREGISTERED, Condition.MISSING, Condition.BAD_TOKEN));
    }

    @TestFactory
    Stream<DynamicTest> deletePartnerEventSource() {
        return rows(RegistryOperation.DELETE_PARTNER_EVENT_SOURCE,
                EnumSet.of(Condition.INVALID_INPUT, Condition.DISABLED, Condition.UNREGISTERED, Condition.MISSING));
    }

    private Stream<DynamicTest> rows(RegistryOperation operation, Set<Condition> applicable) {
        List<Condition> conditions = new ArrayList<>(applicable);
        List<DynamicTest> rows = new ArrayList<>();
        for (int mask = 0; mask < 1 << conditions.size(); mask++) {
            EnumSet<Condition> present = EnumSet.noneOf(Condition.class);
            for (int i = 0; i < conditions.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    present.add(conditions.get(i));
                }
            }
            String expected = expectedAnswer(operation, present);
            rows.add(DynamicTest.dynamicTest(present + " -> " + expected, () -> assertEquals(expected, answer(operation, present))));
        }
        return rows.stream();
    }

    /** The first condition present, in the documented order; success when none is. */
    private static String expectedAnswer(RegistryOperation operation, Set<Condition> present) {
        for (Condition condition : Condition.values()) {
            if (present.contains(condition)) {
                return switch (condition) {
                    case INVALID_INPUT -> "ValidationException";
                    case DISABLED -> "OperationDisabledException";
                    case UNREGISTERED -> "AccessDeniedException";
                    case EXISTS -> "ResourceAlreadyExistsException";
                    case AT_LIMIT -> "LimitExceededException";
                    // Delete is idempotent: an absent source is no error.
                    case MISSING -> operation == RegistryOperation.DELETE_PARTNER_EVENT_SOURCE ? "missing" : "ResourceNotFoundException";
                    case BAD_TOKEN -> "ValidationException";
                };
            }
        }
        return "success";
    }

    private String answer(RegistryOperation operation, Set<Condition> present) {
        int row = ROWS.incrementAndGet();
        String partner = "p" + row + ".example";
        String region = "test-" + row;
        Caller registered = new Caller("arn:aws:iam::123456789012:role/" + partner);
        admin.registerPrincipals(partner, List.of(registered.principalArn()));
        PartnerRegistry registry = RegistryAssembly.registry(table.registryClient(),
                table.settingsBuilder(100).region(region).build());
        String name = "aws.partner/" + partner + "/orders/one";
        boolean sourceExists = operation == RegistryOperation.CREATE_PARTNER_EVENT_SOURCE
                ? present.contains(Condition.EXISTS) : !present.contains(Condition.MISSING);
        if (sourceExists) {
            registry.createPartnerEventSource(name, ACCOUNT, registered);
        }
        if (present.contains(Condition.AT_LIMIT)) {
            admin.setPartnerLimit(partner, sourceExists ? 1 : 0);
        }
        if (present.contains(Condition.DISABLED)) {
            admin.disable(region, operation);
        }
        Caller caller = present.contains(Condition.UNREGISTERED) ? STRANGER : registered;
        String called = present.contains(Condition.INVALID_INPUT) ? "aws.partner.invalid" : name;
        String token = present.contains(Condition.BAD_TOKEN) ? "forged.token" : null;
        try {
            switch (operation) {
                case CREATE_PARTNER_EVENT_SOURCE -> registry.createPartnerEventSource(called, ACCOUNT, caller);
                case DESCRIBE_PARTNER_EVENT_SOURCE -> registry.describePartnerEventSource(called, caller);
                case LIST_PARTNER_EVENT_SOURCES -> registry.listPartnerEventSources(
                        present.contains(Condition.INVALID_INPUT) ? "aws.partner.invalid" : "aws.partner/" + partner + "/", token, null, caller);
                case LIST_PARTNER_EVENT_SOURCE_ACCOUNTS -> registry.listPartnerEventSourceAccounts(called, token, null, caller);
                case DELETE_PARTNER_EVENT_SOURCE -> registry.deletePartnerEventSource(called, ACCOUNT, caller);
                default -> throw new IllegalStateException(operation.name());
            }
            return operation == RegistryOperation.DELETE_PARTNER_EVENT_SOURCE && !sourceExists ? "missing" : "success";
        } catch (RegistryException e) {
            return e.errorCode();
        }
    }
}
