package dev.partnerregistry.admin;

import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.store.DynamoDbClients;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Operator controls, against the table named by TABLE_NAME (AWS_REGION, DYNAMODB_ENDPOINT as for
 * the function). Prints the item each command wrote; {@code audit} prints one line per finding, then
 * totals ({@link TableAudit}), and exits 0 when the table is clean or every finding was repaired, 1
 * when findings remain (a dry run's, report-only ones, or a repair a concurrent write pre-empted).
 *
 * <pre>
 * register-partner --partner P --principal ARN [--principal ARN ...]
 * deregister-principal --partner P --principal ARN
 * set-limit --partner P (--limit N | --default)
 * disable --operation OPERATION [--region R]
 * enable --operation OPERATION [--region R]
 * show-partner --partner P
 * recount --partner P
 * create-page-token-key
 * migrate-layout
 * audit [--partner P] [--repair]      (SOURCE_EXPIRATION_DAYS as the function's: a repaired source's fresh expiry)
 * show-region [--region R]
 * create-table
 * register-customer --account A --principal ARN [--principal ARN ...]
 * deregister-customer --account A --principal ARN [--principal ARN ...]
 * list-customers [--account A]
 * migrate-customer-grants [--apply]
 * issue-key --principal ARN            (ACCESS_KEYS_KMS_KEY_ARN: the stack's AccessKeysKmsKeyArn output)
 * list-keys --principal ARN
 * deactivate-key --access-key-id ID
 * activate-key --access-key-id ID
 * delete-key --access-key-id ID
 * </pre>
 */
public final class AdminCommand {

    static final String USAGE = String.join("\n",
            "usage: admin <command> [options]   (table: TABLE_NAME; region: AWS_REGION; engine: DYNAMODB_ENDPOINT)",
            "  register-partner --partner P --principal ARN [--principal ARN ...]",
            "  deregister-principal --partner P --principal ARN",
            "  set-limit --partner P (--limit N | --default)",
            "  disable --operation OPERATION [--region R]",
            "  enable --operation OPERATION [--region R]",
            "  show-partner --partner P",
            "  recount --partner P                (sets the partner's counter to the sources it holds)",
            "  create-page-token-key              (once per table; the function only reads it)",
            "  migrate-layout                     (a table from before sources and counters had partitions of their own)",
            "  audit [--partner P] [--repair]     (checks every invariant of the table, one line per finding; a dry run unless",
            "                                     --repair; exit 1 while findings remain. SOURCE_EXPIRATION_DAYS as the function's)",
            "  show-region [--region R]",
            "  create-table",
            "  register-customer --account A --principal ARN [--principal ARN ...]",
            "                                     (the principals act as the customer of account A, their own: ListEventSources,",
            "                                     CreateEventBus, ... Nothing is implied: a partner's principal is no customer unless granted)",
            "  deregister-customer --account A --principal ARN [--principal ARN ...]",
            "  list-customers [--account A]",
            "  migrate-customer-grants [--apply]  (a table from before grants: lists each account's implied customers; grants on --apply)",
            "  issue-key --principal ARN          (a registry access key; the secret is printed once. Needs ACCESS_KEYS_KMS_KEY_ARN;",
            "                                     the principal registered for a partner or granted its account first)",
            "  list-keys --principal ARN          (each key with what it may do: MayActAs partner P, customer of A)",
            "  deactivate-key --access-key-id ID  (refused by the function within ACCESS_KEY_CACHE_SECONDS, 60 s by default)",
            "  activate-key --access-key-id ID",
            "  delete-key --access-key-id ID");
    private static final Pattern PARTNER = Pattern.compile("[\\.\\-_A-Za-z0-9]+");

    private AdminCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            err.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        RegistrySettings settings;
        Options options;
        try {
            settings = RegistrySettings.fromEnvironment(env);
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("admin: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try (DynamoDbClient dynamoDb = DynamoDbClients.create(settings, ToolCredentials.forEndpoint(settings.dynamoDbEndpoint()))) {
            DynamoDbRegistryAdmin admin = new DynamoDbRegistryAdmin(dynamoDb, settings.tableName());
            String region = options.one("--region", settings.region());
            if (args[0].endsWith("-key") || args[0].equals("list-keys")) {
                return accessKeys(args[0], options, settings, dynamoDb, out, err);
            }
            if (CustomerCommands.NAMES.contains(args[0])) {
                return CustomerCommands.run(args[0], options.values(), dynamoDb, settings.tableName(), out);
            }
            if (args[0].equals("audit")) {
                String partner = options.one("--partner", null) == null ? null : options.partner();
                TableAudit.Report report = new TableAudit(dynamoDb, settings.tableName(), settings.sourceExpiration(), Clock.systemUTC())
                        .run(partner, options.values().containsKey("--repair"));
                out.print(report.render());
                return report.exitCode();
            }
            Map<String, AttributeValue> item;
            switch (args[0]) {
                case "register-partner" -> item = admin.registerPrincipals(options.partner(), options.principals());
                case "deregister-principal" -> item = admin.deregisterPrincipals(options.partner(), options.principals());
                case "set-limit" -> item = admin.setPartnerLimit(options.partner(), options.limit());
                case "disable" -> item = admin.disable(region, options.operation());
                case "enable" -> item = admin.enable(region, options.operation());
                case "show-partner" -> item = admin.partner(options.partner());
                case "recount" -> item = admin.recount(options.partner());
                case "migrate-layout" -> item = admin.migrateLayout();
                case "create-page-token-key" -> item = admin.createPageTokenKey();
                case "show-region" -> item = admin.region(region);
                case "create-table" -> {
                    PartnerSourceTable.createIfAbsent(dynamoDb, settings.tableName());
                    out.println("table " + settings.tableName() + " is ready");
                    return 0;
                }
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
            out.println(render(item));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("admin: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (RuntimeException e) {
            err.println("admin: " + e.getMessage());
            return 1;
        }
    }

    private static int accessKeys(String command, Options options, RegistrySettings settings, DynamoDbClient dynamoDb, PrintStream out,
                                  PrintStream err) {
        String kmsKeyArn = settings.accessKeys().kmsKeyArn();
        if (command.equals("issue-key") && kmsKeyArn == null) {
            throw new IllegalArgumentException("issue-key needs ACCESS_KEYS_KMS_KEY_ARN: the stack's AccessKeysKmsKeyArn output");
        }
        try (KmsClient kms = AccessKeyEncryption.kms(settings)) {
            IssuedAccessKeys keys = new IssuedAccessKeys(dynamoDb, settings.tableName(), kms, kmsKeyArn, Clock.systemUTC());
            switch (command) {
                case "issue-key" -> {
                    out.println(render(keys.issue(options.principal())));
                    err.println("admin: the secret access key is shown this once and stored only encrypted: hand it to the partner now.");
                }
                case "list-keys" -> {
                    StringBuilder json = new StringBuilder("{\"AccessKeyMetadata\": [");
                    List<IssuedAccessKeys.IssuedKey> listed = keys.list(options.principal());
                    // What each key may do: its principal's rights, as the function will read them.
                    List<String> rights = PrincipalRights.read(dynamoDb, settings.tableName(), options.principal()).described();
                    for (int i = 0; i < listed.size(); i++) {
                        String key = metadata(listed.get(i));
                        json.append(i == 0 ? "" : ", ").append(key, 0, key.length() - 1).append(", \"MayActAs\": [")
                                .append(String.join(", ", rights.stream().map(r -> '"' + r + '"').toList())).append("]}");
                    }
                    out.println(json.append("]}"));
                }
                case "deactivate-key" -> out.println(render(keys.deactivate(options.accessKeyId())));
                case "activate-key" -> out.println(render(keys.activate(options.accessKeyId())));
                case "delete-key" -> out.println(render(keys.delete(options.accessKeyId())));
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
            return 0;
        }
    }

    /** As IAM's create-access-key prints a key: {@code {"AccessKey": {...}}}, the secret only when just issued. */
    static String render(IssuedAccessKeys.IssuedKey key) {
        return "{\"AccessKey\": " + metadata(key) + "}";
    }

    private static String metadata(IssuedAccessKeys.IssuedKey key) {
        StringBuilder json = new StringBuilder("{\"Principal\": \"").append(key.principalArn())
                .append("\", \"AccessKeyId\": \"").append(key.accessKeyId())
                .append("\", \"Status\": \"").append(key.status()).append('"');
        if (key.secretAccessKey() != null) {
            json.append(", \"SecretAccessKey\": \"").append(key.secretAccessKey()).append('"');
        }
        if (key.createdAt() != null) {
            json.append(", \"CreateDate\": \"").append(key.createdAt()).append('"');
        }
        if (key.lastUsedAt() != null) {
            json.append(", \"LastUsedDate\": \"").append(key.lastUsedAt()).append('"');
        }
        return json.append('}').toString();
    }

    /** The item in DynamoDB's JSON form, attributes sorted, as the README shows it. */
    static String render(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return "{}";
        }
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, AttributeValue> attribute : new TreeMap<>(item).entrySet()) {
            json.append(json.length() > 1 ? ", " : "").append('"').append(attribute.getKey()).append("\": ");
            AttributeValue value = attribute.getValue();
            if (value.s() != null) {
                json.append("{\"S\": \"").append(value.s()).append("\"}");
            } else if (value.n() != null) {
                json.append("{\"N\": \"").append(value.n()).append("\"}");
            } else if (value.hasSs()) {
                json.append("{\"SS\": [");
                List<String> sorted = new ArrayList<>(value.ss());
                sorted.sort(null);
                for (int i = 0; i < sorted.size(); i++) {
                    json.append(i == 0 ? "\"" : ", \"").append(sorted.get(i)).append('"');
                }
                json.append("]}");
            } else {
                json.append("{\"B\": \"(").append(value.b() == null ? 0 : value.b().asByteArray().length).append(" bytes)\"}");
            }
        }
        return json.append('}').toString();
    }

    private record Options(Map<String, List<String>> values) {

        static Options parse(String[] args) {
            Map<String, List<String>> values = new TreeMap<>();
            for (int i = 1; i < args.length; i++) {
                String flag = args[i];
                if (!flag.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + flag);
                }
                if (flag.equals("--default") || flag.equals("--repair") || flag.equals("--apply")) {
                    values.computeIfAbsent(flag, k -> new ArrayList<>()).add("");
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                values.computeIfAbsent(flag, k -> new ArrayList<>()).add(args[++i]);
            }
            return new Options(values);
        }

        String one(String flag, String fallback) {
            List<String> given = values.get(flag);
            return given == null ? fallback : given.get(given.size() - 1);
        }

        String partner() {
            String partner = one("--partner", null);
            if (partner == null || !PARTNER.matcher(partner).matches()) {
                throw new IllegalArgumentException("--partner must be a partner name such as example.com");
            }
            return partner;
        }

        String principal() {
            List<String> principals = principals();
            if (principals.size() != 1) {
                throw new IllegalArgumentException("--principal is given once here");
            }
            return principals.get(0);
        }

        String accessKeyId() {
            String id = one("--access-key-id", "");
            if (!IssuedAccessKeys.IMPORTABLE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("--access-key-id must be an access key id such as PRKA...");
            }
            return id;
        }

        List<String> principals() {
            List<String> principals = values.getOrDefault("--principal", List.of());
            if (principals.isEmpty() || principals.stream().anyMatch(p -> !p.startsWith("arn:"))) {
                throw new IllegalArgumentException("--principal must be an IAM principal ARN, e.g. arn:aws:iam::123456789012:role/partner");
            }
            return principals;
        }

        Integer limit() {
            if (values.containsKey("--default")) {
                return null;
            }
            try {
                int limit = Integer.parseInt(one("--limit", ""));
                if (limit < 0) {
                    throw new NumberFormatException();
                }
                return limit;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--limit must be a whole number >= 0, or use --default");
            }
        }

        RegistryOperation operation() {
            try {
                return RegistryOperation.named(one("--operation", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--operation must be one of CreatePartnerEventSource, "
                        + "DescribePartnerEventSource, ListPartnerEventSources, ListPartnerEventSourceAccounts, DeletePartnerEventSource");
            }
        }
    }
}
