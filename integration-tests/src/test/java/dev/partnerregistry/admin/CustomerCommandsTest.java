package dev.partnerregistry.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.store.RegistryTable;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator commands of customer grants on the engine, as `make admin` runs them:
 * register-customer, deregister-customer, list-customers, and the one-off migrate-customer-grants
 * of a table written before grants existed (dry run first, grants only on --apply).
 */
class CustomerCommandsTest {

    static final String ACCOUNT = "123456789012";
    static final String CUSTOMER = "arn:aws:iam::" + ACCOUNT + ":user/example-customer";
    static final String PARTNER_PRINCIPAL = "arn:aws:iam::" + ACCOUNT + ":user/example-partner";

    private DynamoDbEngine.EngineTable table;
    private Map<String, String> env;
    private CustomerGrants grants;

    /** The output, stderr and exit code of one command. */
    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void freshTable() {
        table = DynamoDbEngine.newTable("CustomerCommands");
        env = Map.of("TABLE_NAME", table.tableName(), "AWS_REGION", DynamoDbEngine.REGION, "DYNAMODB_ENDPOINT", table.endpoint().toString());
        grants = new CustomerGrants(table.client(), table.tableName());
    }

    private Run admin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminCommand.run(args, env, new PrintStream(out), new PrintStream(err));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void registerCustomerGrantsTheAccountAndPrintsTheItem() {
        Run run = admin("register-customer", "--account", ACCOUNT, "--principal", CUSTOMER);

        assertEquals(0, run.exit(), run.err());
        assertEquals("{\"pk\": {\"S\": \"CUSTOMER#" + ACCOUNT + "\"}, \"principals\": {\"SS\": [\"" + CUSTOMER + "\"]}, "
                + "\"sk\": {\"S\": \"CUSTOMER\"}}\n", run.out());
        assertEquals(Set.of(CUSTOMER), grants.granted(ACCOUNT));
    }

    @Test
    void aPrincipalOfAnotherAccountIsRefused() {
        Run run = admin("register-customer", "--account", "444444444444", "--principal", CUSTOMER);

        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("admin: " + CUSTOMER + " is a principal of account " + ACCOUNT + ", not 444444444444: "
                + "a principal acts as the customer of its own account only\n"), run.err());
        assertEquals(Set.of(), grants.granted("444444444444"), "nothing written");
    }

    @Test
    void anAccountRootIsRefused() {
        Run run = admin("register-customer", "--account", "444444444444", "--principal", "arn:aws:iam::444444444444:root");

        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("admin: 'arn:aws:iam::444444444444:root' is an account root: name the IAM user or role that acts "
                + "instead\n"), run.err());
    }

    @Test
    void deregisterCustomerRevokesAndListCustomersShowsWhatIsLeft() {
        String other = "arn:aws:iam::" + ACCOUNT + ":role/Subscriber";
        admin("register-customer", "--account", ACCOUNT, "--principal", CUSTOMER, "--principal", other);
        admin("register-customer", "--account", "210987654321", "--principal", "arn:aws:iam::210987654321:role/Reader");

        assertEquals(0, admin("deregister-customer", "--account", ACCOUNT, "--principal", CUSTOMER).exit());

        assertEquals("{\"Customers\": [{\"Account\": \"" + ACCOUNT + "\", \"Principals\": [\"" + other + "\"]}, "
                + "{\"Account\": \"210987654321\", \"Principals\": [\"arn:aws:iam::210987654321:role/Reader\"]}]}\n",
                admin("list-customers").out());
        assertEquals("{\"Customers\": [{\"Account\": \"210987654321\", \"Principals\": [\"arn:aws:iam::210987654321:role/Reader\"]}]}\n",
                admin("list-customers", "--account", "210987654321").out());
    }

    @Test
    void theMigrationListsEachAccountsImpliedCustomersAndWritesNothingWithoutApply() {
        tableFromBeforeGrants();

        Run run = admin("migrate-customer-grants");

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("account " + ACCOUNT + "\n"
                + "  grant            " + CUSTOMER + " (keys AKIAEXAMPLECUSTOMER)\n"
                + "  not granted      " + PARTNER_PRINCIPAL + " (keys AKIAEXAMPLEPARTNER): registered for partner example.com; a partner "
                + "is another partner's customer only if granted (register-customer, if it is one)\n"), run.out());
        assertTrue(run.out().contains("to grant: 1; left for a person: 1"), run.out());
        assertEquals(Set.of(), grants.granted(ACCOUNT), "a dry run writes nothing");
    }

    @Test
    void theMigrationGrantsOnApplyAndSaysSoWhenRunAgain() {
        tableFromBeforeGrants();

        Run applied = admin("migrate-customer-grants", "--apply");

        assertTrue(applied.out().contains("  granted          " + CUSTOMER + " (keys AKIAEXAMPLECUSTOMER)\n"), applied.out());
        assertEquals(Set.of(CUSTOMER), grants.granted(ACCOUNT), "the partner's principal is not granted");
        assertTrue(admin("migrate-customer-grants").out().contains("  already granted  " + CUSTOMER), "a second run changes nothing");
    }

    /** Keys and a partner as a table had them before grants: any key of the account's principals acted as its customer. */
    private void tableFromBeforeGrants() {
        new DynamoDbRegistryAdmin(table.client(), table.tableName()).registerPrincipals("example.com", List.of(PARTNER_PRINCIPAL));
        IssuedAccessKeys keys = table.accessKeys();
        keys.importKey(PARTNER_PRINCIPAL, "AKIAEXAMPLEPARTNER", "example-partner-secret");
        keys.importKey(CUSTOMER, "AKIAEXAMPLECUSTOMER", "example-customer-secret");
        assertTrue(table.client().getItem(r -> r.tableName(table.tableName()).key(RegistryTable.customerKey(ACCOUNT))).item().isEmpty());
    }
}
