package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static dev.partnerregistry.wire.WireFixture.arn;
import static dev.partnerregistry.wire.WireFixture.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.admin.IssuedAccessKeys.IssuedKey;
import dev.partnerregistry.store.ExpiredSourceSweep;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.wire.AwsCli.Result;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The whole story with the stock AWS CLI against the local endpoint: the partner creates a source;
 * its customer (the key of local/customers.properties' grant for the account it is offered to) lists and describes it, PENDING with an
 * ExpirationTime; creates the matching bus (ACTIVE); deactivates and activates it; the partner
 * deletes it and the customer sees it DELETED. And a source nobody accepts expires (here after one
 * minute, a setting) and frees its partner's slot once swept, as make run sweeps every minute. A
 * partner's key in that same account is no customer: it is granted nothing.
 */
@ExtendWith(DynamoDbEngine.class)
class CustomerStoryWireTest {

    static final String CUSTOMER_KEY = "AKIAEXAMPLECUSTOMER";
    static final String CUSTOMER_SECRET = "example-customer-secret";
    static final Duration EXPIRY = Duration.ofMinutes(1);

    private static final MovableClock clock = new MovableClock();
    private static WireFixture fixture;
    private static AwsCli cli;
    private static ExpiredSourceSweep sweep;
    private static IssuedKey onePartner;

    @TempDir
    static Path home;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) throws Exception {
        fixture = WireFixture.start(table, function -> function, clock, EXPIRY);
        sweep = new ExpiredSourceSweep(table.registryClient(), table.tableName());
        fixture.admin.registerPrincipals("one-slot.example", List.of("arn:aws:iam::444455556666:role/OneSlot"));
        fixture.admin.setPartnerLimit("one-slot.example", 1);
        onePartner = table.accessKeys().issue("arn:aws:iam::444455556666:role/OneSlot");
        cli = new AwsCli(home);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aSourceGoesFromPendingToActiveAndBackAndIsDeletedForItsCustomer() throws Exception {
        String name = uniqueName("example.com", "story", "orders");
        assertEquals(arn(name), json(ok(partner("create-partner-event-source", "--name", name, "--account", ACCOUNT)))
                .field("EventSourceArn").orElseThrow().asString());

        JsonNode listed = json(ok(customer("list-event-sources", "--name-prefix", name))).field("EventSources").orElseThrow().asArray().get(0);
        assertEquals("PENDING", listed.field("State").orElseThrow().asString());
        assertEquals("example.com", listed.field("CreatedBy").orElseThrow().asString());
        assertEquals(arn(name), listed.field("Arn").orElseThrow().asString());
        JsonNode described = json(ok(customer("describe-event-source", "--name", name)));
        assertEquals("PENDING", described.field("State").orElseThrow().asString());
        assertEquals(Duration.ofMinutes(1), Duration.ofMillis(seconds(described, "ExpirationTime").subtract(seconds(described, "CreationTime"))
                .movePointRight(3).longValueExact()), "ExpirationTime is CreationTime + the expiry setting");

        assertEquals("arn:aws:events:us-east-1:" + ACCOUNT + ":event-bus/" + name,
                json(ok(customer("create-event-bus", "--name", name, "--event-source-name", name))).field("EventBusArn").orElseThrow().asString());
        assertEquals("ACTIVE", state(name));
        assertFalse(json(ok(customer("describe-event-source", "--name", name))).field("ExpirationTime").isPresent(), "ACTIVE never expires");

        ok(customer("deactivate-event-source", "--name", name));
        assertEquals("PENDING", state(name));
        ok(customer("activate-event-source", "--name", name));
        assertEquals("ACTIVE", state(name));
        assertEquals("ACTIVE", json(ok(partner("list-partner-event-source-accounts", "--event-source-name", name)))
                .field("PartnerEventSourceAccounts").orElseThrow().asArray().get(0).field("State").orElseThrow().asString());

        ok(partner("delete-partner-event-source", "--name", name, "--account", ACCOUNT));
        assertEquals("DELETED", state(name));
        Result activate = customer("activate-event-source", "--name", name);
        assertTrue(activate.stderr().contains("(InvalidStateException)"), activate.stderr());
    }

    @Test
    void thePartnersKeyInTheCustomersAccountCanNeitherDeactivateNorDeleteAnotherPartnersCustomerBus() throws Exception {
        // The audit's reproduction: AKIAEXAMPLEPARTNER is a principal of the very account other.example's source is offered to.
        String name = uniqueName("other.example", "audit", "orders");
        ok(run(WireFixture.OTHER_KEY, WireFixture.OTHER_SECRET, "create-partner-event-source", "--name", name, "--account", ACCOUNT));
        ok(customer("create-event-bus", "--name", name, "--event-source-name", name));

        for (List<String> call : List.of(List.of("describe-event-source", "--name", name), List.of("deactivate-event-source", "--name", name),
                List.of("activate-event-source", "--name", name), List.of("describe-event-bus", "--name", name),
                List.of("create-event-bus", "--name", name, "--event-source-name", name))) {
            Result refused = partner(call.toArray(String[]::new));
            assertEquals(cli.serviceErrorExitCode, refused.exitCode(), refused.toString());
            assertTrue(refused.stderr().contains("(ResourceNotFoundException)"), call.get(0) + ": " + refused.stderr());
        }
        ok(partner("delete-event-bus", "--name", name));   // idempotent: the answer for a bus that does not exist
        assertEquals(0, json(ok(partner("list-event-sources", "--name-prefix", name))).field("EventSources").orElseThrow().asArray().size());

        JsonNode after = json(ok(customer("describe-event-source", "--name", name)));
        assertEquals("ACTIVE", after.field("State").orElseThrow().asString(), "neither call changed the source");
        assertFalse(after.field("ExpirationTime").isPresent(), "no fresh expiry: it is not on its way to expiring");
        ok(customer("describe-event-bus", "--name", name));
    }

    @Test
    void aSourceNobodyAcceptsExpiresAndFreesItsPartnersSlot() throws Exception {
        String first = uniqueName("one-slot.example", "expiring", "orders");
        String second = uniqueName("one-slot.example", "expiring", "refunds");
        ok(run(onePartner.accessKeyId(), onePartner.secretAccessKey(), "create-partner-event-source", "--name", first, "--account", ACCOUNT));
        Result full = run(onePartner.accessKeyId(), onePartner.secretAccessKey(), "create-partner-event-source", "--name", second, "--account", ACCOUNT);
        assertTrue(full.stderr().contains("(LimitExceededException)"), full.stderr());

        clock.advance(EXPIRY.plusSeconds(1));
        Result gone = customer("describe-event-source", "--name", first);
        assertTrue(gone.stderr().contains("(ResourceNotFoundException)"), "an expired source is gone at once: " + gone.stderr());
        sweep.sweep(clock.instant(), 100);

        ok(run(onePartner.accessKeyId(), onePartner.secretAccessKey(), "create-partner-event-source", "--name", second, "--account", ACCOUNT));
    }

    private static String state(String name) throws Exception {
        return json(ok(customer("describe-event-source", "--name", name))).field("State").orElseThrow().asString();
    }

    private static BigDecimal seconds(JsonNode json, String member) {
        return new BigDecimal(json.field(member).orElseThrow().asNumber());
    }

    private static Result partner(String... args) throws Exception {
        return run(EXAMPLE_KEY, EXAMPLE_SECRET, args);
    }

    private static Result customer(String... args) throws Exception {
        return run(CUSTOMER_KEY, CUSTOMER_SECRET, args);
    }

    private static Result run(String key, String secret, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("events", args[0], "--endpoint-url", fixture.endpoint().toString()));
        command.addAll(List.of(args).subList(1, args.length));
        return cli.run(command, key, secret, 1);
    }

    private static Result ok(Result result) {
        assertEquals(0, result.exitCode(), result.toString());
        return result;
    }

    private static JsonNode json(Result result) {
        return JsonNode.parser().parse(result.stdout());
    }
}
