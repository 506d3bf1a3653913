package dev.partnerregistry.admin;

import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.store.DynamoDbClients;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * dead-letters [--max N]               (DEAD_LETTER_QUEUE_URL)
 * redrive-dead-letters [--error-code CODE] [--max N]   (and EVENT_QUEUE_URL)
 * </pre>
 */
public final class AdminCommand {

    /** One operator command: its name, its options as the usage shows them, and what it does. */
    private record Command(String name, String options, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        /** @return the exit code */
        int run(Invocation invocation);
    }

    /** Dispatch by exact name: every command is a row here, and the usage is made from the same rows. */
    private static final Map<String, Command> COMMANDS = table(
            new Command("register-partner", "--partner P --principal ARN [--principal ARN ...]",
                    c -> c.print(c.admin().registerPrincipals(c.options().partner(), c.options().principals()))),
            new Command("deregister-principal", "--partner P --principal ARN",
                    c -> c.print(c.admin().deregisterPrincipals(c.options().partner(), c.options().principals()))),
            new Command("set-limit", "--partner P (--limit N | --default)",
                    c -> c.print(c.admin().setPartnerLimit(c.options().partner(), c.options().limit()))),
            new Command("disable", "--operation OPERATION [--region R]",
                    c -> c.print(c.admin().disable(c.region(), c.options().operation()))),
            new Command("enable", "--operation OPERATION [--region R]",
                    c -> c.print(c.admin().enable(c.region(), c.options().operation()))),
            new Command("show-partner", "--partner P", c -> c.print(c.admin().partner(c.options().partner()))),
            new Command("recount", "--partner P                (sets the partner's counter to the sources it holds)",
                    c -> c.print(c.admin().recount(c.options().partner()))),
            new Command("create-page-token-key", "             (once per table; the function only reads it)",
                    c -> c.print(c.admin().createPageTokenKey())),
            new Command("migrate-layout", "                    (a table from before sources and counters had partitions of their own)",
                    c -> c.print(c.admin().migrateLayout())),
            new Command("audit", "[--partner P] [--repair]     (checks every invariant of the table, one line per finding; a dry run unless\n"
                    + "                                     --repair; exit 1 while findings remain. SOURCE_EXPIRATION_DAYS as the function's)",
                    AdminCommand::audit),
            new Command("show-region", "[--region R]", c -> c.print(c.admin().region(c.region()))),
            new Command("create-table", "", c -> {
                PartnerSourceTable.createIfAbsent(c.dynamoDb(), c.settings().tableName());
                c.out().println("table " + c.settings().tableName() + " is ready");
                return 0;
            }),
            new Command("register-customer", "--account A --principal ARN [--principal ARN ...]\n"
                    + "                                     (the principals act as the customer of account A, their own: ListEventSources,\n"
                    + "                                     CreateEventBus, ... Nothing is implied: a partner's principal is no customer unless granted)",
                    AdminCommand::customers),
            new Command("deregister-customer", "--account A --principal ARN [--principal ARN ...]", AdminCommand::customers),
            new Command("list-customers", "[--account A]", AdminCommand::customers),
            new Command("migrate-customer-grants", "[--apply]  (a table from before grants: lists each account's implied customers; grants on --apply)",
                    AdminCommand::customers),
            new Command("issue-key", "--principal ARN          (a registry access key; the secret is printed once. Needs ACCESS_KEYS_KMS_KEY_ARN;\n"
                    + "                                     the principal registered for a partner or granted its account first)",
                    c -> {
                        if (c.settings().accessKeys().kmsKeyArn() == null) {
                            throw new IllegalArgumentException("issue-key needs ACCESS_KEYS_KMS_KEY_ARN: the stack's AccessKeysKmsKeyArn output"
                                    + " (make run prints the local one in its operator line)");
                        }
                        c.print(c.keys().issue(c.options().principal()));
                        c.err().println("admin: the secret access key is shown this once and stored only encrypted: hand it to the partner now.");
                        return 0;
                    }),
            new Command("list-keys", "--principal ARN          (each key with what it may do: MayActAs partner P, customer of A)", c -> {
                StringBuilder json = new StringBuilder("{\"AccessKeyMetadata\": [");
                List<IssuedAccessKeys.IssuedKey> listed = c.keys().list(c.options().principal());
                // What each key may do: its principal's rights, as the function will read them.
                List<String> rights = PrincipalRights.read(c.dynamoDb(), c.settings().tableName(), c.options().principal()).described();
                for (int i = 0; i < listed.size(); i++) {
                    String key = metadata(listed.get(i));
                    json.append(i == 0 ? "" : ", ").append(key, 0, key.length() - 1).append(", \"MayActAs\": [")
                            .append(String.join(", ", rights.stream().map(r -> '"' + r + '"').toList())).append("]}");
                }
                c.out().println(json.append("]}"));
                return 0;
            }),
            new Command("deactivate-key", "--access-key-id ID  (refused by the function within ACCESS_KEY_CACHE_SECONDS, 60 s by default)",
                    c -> c.print(c.keys().deactivate(c.options().accessKeyId()))),
            new Command("activate-key", "--access-key-id ID", c -> c.print(c.keys().activate(c.options().accessKeyId()))),
            new Command("delete-key", "--access-key-id ID", c -> c.print(c.keys().delete(c.options().accessKeyId()))),
            new Command("dead-letters", "[--max N]              (what the forwarder gave up on, each with its reason, left in place;\n"
                    + "      DEAD_LETTER_QUEUE_URL: the stack's DeadLetterQueueUrl output)",
                    c -> DeadLetterCommands.of(c.settings(), c.out()).list(c.options().max())),
            new Command("redrive-dead-letters", "[--error-code CODE] [--max N]   (sends those events back to the delivery queue,\n"
                    + "      EVENT_QUEUE_URL: the stack's DeliveryQueueUrl output)",
                    c -> DeadLetterCommands.of(c.settings(), c.out()).redrive(c.options().one("--error-code", null), c.options().max())));

    static final String USAGE = usage();
    private static final Pattern PARTNER = Pattern.compile("[\\.\\-_A-Za-z0-9]+");

    private AdminCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** The names of every command, in the usage's order. */
    static List<String> commandNames() {
        return List.copyOf(COMMANDS.keySet());
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            err.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        RegistrySettings settings;
        Options options;
        try {
            if (command == null) {
                throw new IllegalArgumentException("unknown command " + args[0]);
            }
            settings = RegistrySettings.fromEnvironment(env);
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("admin: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try (Invocation invocation = new Invocation(command.name(), options, settings, out, err)) {
            return command.action().run(invocation);
        } catch (IllegalArgumentException e) {
            err.println("admin: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (RuntimeException e) {
            err.println("admin: " + e.getMessage());
            return 1;
        }
    }

    private static int customers(Invocation c) {
        return CustomerCommands.run(c.name(), c.options().values(), c.dynamoDb(), c.settings().tableName(), c.out());
    }

    private static int audit(Invocation c) {
        String partner = c.options().one("--partner", null) == null ? null : c.options().partner();
        TableAudit.Report report = new TableAudit(c.dynamoDb(), c.settings().tableName(), c.settings().sourceExpiration(), Clock.systemUTC())
                .run(partner, c.options().values().containsKey("--repair"));
        c.out().print(report.render());
        return report.exitCode();
    }

    /** What a command works with: its clients are made on first use and closed after it, so a usage error touches nothing. */
    private static final class Invocation implements AutoCloseable {
        private final String name;
        private final Options options;
        private final RegistrySettings settings;
        private final PrintStream out;
        private final PrintStream err;
        private DynamoDbClient dynamoDb;
        private KmsClient kms;

        Invocation(String name, Options options, RegistrySettings settings, PrintStream out, PrintStream err) {
            this.name = name;
            this.options = options;
            this.settings = settings;
            this.out = out;
            this.err = err;
        }

        /** The command's name, as the operator typed it. */
        String name() {
            return name;
        }

        Options options() {
            return options;
        }

        RegistrySettings settings() {
            return settings;
        }

        PrintStream out() {
            return out;
        }

        PrintStream err() {
            return err;
        }

        String region() {
            return options.one("--region", settings.region());
        }

        DynamoDbClient dynamoDb() {
            if (dynamoDb == null) {
                dynamoDb = DynamoDbClients.create(settings, ToolCredentials.forEndpoint(settings.dynamoDbEndpoint()));
            }
            return dynamoDb;
        }

        DynamoDbRegistryAdmin admin() {
            return new DynamoDbRegistryAdmin(dynamoDb(), settings.tableName());
        }

        IssuedAccessKeys keys() {
            String kmsKeyArn = settings.accessKeys().kmsKeyArn();
            if (kms == null) {
                kms = AccessKeyEncryption.kms(settings);
            }
            return new IssuedAccessKeys(dynamoDb(), settings.tableName(), kms, kmsKeyArn, Clock.systemUTC());
        }

        int print(Map<String, AttributeValue> item) {
            out.println(render(item));
            return 0;
        }

        int print(IssuedAccessKeys.IssuedKey key) {
            out.println(render(key));
            return 0;
        }

        @Override
        public void close() {
            if (kms != null) {
                kms.close();
            }
            if (dynamoDb != null) {
                dynamoDb.close();
            }
        }
    }

    private static Map<String, Command> table(Command... commands) {
        Map<String, Command> table = new LinkedHashMap<>();
        for (Command command : commands) {
            if (table.put(command.name(), command) != null) {
                throw new IllegalStateException("two commands named " + command.name());
            }
        }
        return Collections.unmodifiableMap(table);
    }

    private static String usage() {
        StringBuilder usage = new StringBuilder(
                "usage: admin <command> [options]   (table: TABLE_NAME; region: AWS_REGION; engine: DYNAMODB_ENDPOINT)");
        for (Command command : COMMANDS.values()) {
            usage.append("\n  ").append(command.name()).append(command.options().isEmpty() ? "" : " " + command.options());
        }
        return usage.toString();
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

        /** How many dead letters a command takes at most: {@value DeadLetterCommands#DEFAULT_MAX} unless given. */
        int max() {
            String given = one("--max", null);
            if (given == null) {
                return DeadLetterCommands.DEFAULT_MAX;
            }
            try {
                int max = Integer.parseInt(given);
                if (max < 1 || max > 100_000) {
                    throw new NumberFormatException();
                }
                return max;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--max must be a whole number from 1 to 100000");
            }
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
