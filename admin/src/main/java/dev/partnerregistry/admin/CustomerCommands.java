package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.ACCESS_KEY_PARTITION_PREFIX;
import static dev.partnerregistry.store.RegistryTable.KEY_PRINCIPAL;
import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.PRINCIPALS;

import dev.partnerregistry.store.RegistryTable;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operator commands of customer grants ({@link CustomerGrants}): register-customer,
 * deregister-customer, list-customers, and the one-off migrate-customer-grants of a table written
 * before grants existed.
 */
final class CustomerCommands {

    static final Set<String> NAMES = Set.of("register-customer", "deregister-customer", "list-customers", "migrate-customer-grants");

    private CustomerCommands() {
    }

    /** Runs {@code command} with its options ({@code --account}, {@code --principal}, {@code --apply}); the exit code. */
    static int run(String command, Map<String, List<String>> options, DynamoDbClient dynamoDb, String tableName, PrintStream out) {
        CustomerGrants grants = new CustomerGrants(dynamoDb, tableName);
        switch (command) {
            case "register-customer" -> out.println(AdminCommand.render(grants.grant(account(options), principals(options))));
            case "deregister-customer" -> out.println(AdminCommand.render(grants.revoke(account(options), principals(options))));
            case "list-customers" -> {
                String account = options.containsKey("--account") ? account(options) : null;
                Map<String, Set<String>> all = account == null ? grants.all() : Map.of(account, grants.granted(account));
                StringBuilder json = new StringBuilder("{\"Customers\": [");
                String separator = "";
                for (Map.Entry<String, Set<String>> granted : all.entrySet()) {
                    json.append(separator).append("{\"Account\": \"").append(granted.getKey()).append("\", \"Principals\": [");
                    json.append(String.join(", ", granted.getValue().stream().map(p -> '"' + p + '"').toList())).append("]}");
                    separator = ", ";
                }
                out.println(json.append("]}"));
            }
            case "migrate-customer-grants" -> migrate(options.containsKey("--apply"), grants, dynamoDb, tableName, out);
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
        return 0;
    }

    /**
     * Before grants, every key of an account's principal acted as that account's customer. Lists,
     * account by account, the principals that did so (those holding a registry key), and grants them
     * on {@code apply}, except a partner's principal (the audit's finding: a partner acting as another
     * partner's customer) and an account root, which are listed for a person to decide.
     */
    static void migrate(boolean apply, CustomerGrants grants, DynamoDbClient dynamoDb, String tableName, PrintStream out) {
        Map<String, Set<String>> keysByPrincipal = new TreeMap<>();
        for (Map<String, AttributeValue> key : RegistryItems.scan(dynamoDb, tableName, ACCESS_KEY_PARTITION_PREFIX,
                RegistryTable.accessKeyKey("").get(RegistryTable.SORT_KEY).s())) {
            if (key.containsKey(KEY_PRINCIPAL)) {
                keysByPrincipal.computeIfAbsent(key.get(KEY_PRINCIPAL).s(), p -> new TreeSet<>())
                        .add(key.get(PARTITION_KEY).s().substring(ACCESS_KEY_PARTITION_PREFIX.length()));
            }
        }
        Map<String, Set<String>> partnersByPrincipal = new TreeMap<>();
        String partnerPrefix = RegistryTable.partnerKey("").get(PARTITION_KEY).s();
        for (Map<String, AttributeValue> partner : RegistryItems.scan(dynamoDb, tableName, partnerPrefix, RegistryTable.PARTNER_SORT_KEY)) {
            AttributeValue principals = partner.get(PRINCIPALS);
            if (principals != null && principals.hasSs()) {
                for (String principal : principals.ss()) {
                    partnersByPrincipal.computeIfAbsent(principal, p -> new TreeSet<>())
                            .add(partner.get(PARTITION_KEY).s().substring(partnerPrefix.length()));
                }
            }
        }
        Map<String, Set<String>> byAccount = new TreeMap<>();
        for (String principal : keysByPrincipal.keySet()) {
            String account = new dev.partnerregistry.domain.Caller(principal).accountId();
            byAccount.computeIfAbsent(account == null ? "(no account)" : account, a -> new TreeSet<>()).add(principal);
        }
        out.println("customer grants: each account's implied customers (principals holding a registry key), "
                + (apply ? "granting" : "dry run (nothing written; --apply grants those marked 'grant')"));
        int toGrant = 0;
        int skipped = 0;
        for (Map.Entry<String, Set<String>> account : byAccount.entrySet()) {
            out.println("account " + account.getKey());
            Set<String> granted = account.getKey().startsWith("(") ? Set.of() : grants.granted(account.getKey());
            for (String principal : account.getValue()) {
                String keys = "keys " + String.join(", ", keysByPrincipal.get(principal));
                String why = skipReason(principal, account.getKey(), partnersByPrincipal.get(principal));
                if (granted.contains(principal)) {
                    out.println("  already granted  " + principal + " (" + keys + ")");
                } else if (why != null) {
                    skipped++;
                    out.println("  not granted      " + principal + " (" + keys + "): " + why);
                } else {
                    toGrant++;
                    if (apply) {
                        grants.grant(account.getKey(), List.of(principal));
                    }
                    out.println((apply ? "  granted          " : "  grant            ") + principal + " (" + keys + ")");
                }
            }
        }
        out.println((apply ? "granted: " : "to grant: ") + toGrant + "; left for a person: " + skipped
                + " (register-customer --account A --principal ARN grants one). Callers of an aws-iam deployment sign with their own "
                + "IAM identities, which the table does not know: grant each customer's role with register-customer.");
    }

    /** Why a key holder is not granted by the migration, or null. */
    private static String skipReason(String principal, String account, Set<String> partners) {
        if (account.startsWith("(")) {
            return "no account in the ARN";
        }
        if (principal.endsWith(":root")) {
            return "an account root (grant the IAM user or role that acts instead)";
        }
        if (partners != null) {
            return "registered for partner " + String.join(", ", partners)
                    + "; a partner is another partner's customer only if granted (register-customer, if it is one)";
        }
        return null;
    }

    private static String account(Map<String, List<String>> options) {
        List<String> given = options.get("--account");
        if (given == null || given.size() != 1) {
            throw new IllegalArgumentException("--account must be given once: a 12-digit AWS account id");
        }
        return given.get(0);
    }

    private static List<String> principals(Map<String, List<String>> options) {
        List<String> principals = options.getOrDefault("--principal", List.of());
        if (principals.isEmpty() || principals.stream().anyMatch(p -> !p.startsWith("arn:"))) {
            throw new IllegalArgumentException("--principal must be an IAM principal ARN, e.g. arn:aws:iam::123456789012:role/customer");
        }
        return principals;
    }
}
