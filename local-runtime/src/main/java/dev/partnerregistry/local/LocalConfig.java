package dev.partnerregistry.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The local seed of what the operator does in a deployment: the registry access keys (their ids,
 * owners and secrets, issued into the engine at each start), which principals act for which partner,
 * and which act as the customer of which account.
 *
 * <pre>
 * local/principals.properties   &lt;accessKeyId&gt; = &lt;principalArn&gt; &lt;secretAccessKey&gt;
 * local/partners.properties     &lt;partner&gt; = &lt;principalArn&gt;[,&lt;principalArn&gt;...]
 * local/customers.properties    &lt;account&gt; = &lt;principalArn&gt;[,&lt;principalArn&gt;...]
 * </pre>
 *
 * Blank lines and lines starting with {@code #} are ignored. {@code LOCAL_PRINCIPALS_FILE},
 * {@code LOCAL_PARTNERS_FILE} and {@code LOCAL_CUSTOMERS_FILE} point elsewhere; relative paths are
 * taken from the working directory.
 */
public record LocalConfig(Map<String, LocalPrincipal> principals, Map<String, List<String>> partners,
                          Map<String, List<String>> customers) {

    public static final String PRINCIPALS_FILE_VARIABLE = "LOCAL_PRINCIPALS_FILE";
    public static final String PARTNERS_FILE_VARIABLE = "LOCAL_PARTNERS_FILE";
    public static final String DEFAULT_PRINCIPALS_FILE = "local/principals.properties";
    public static final String DEFAULT_PARTNERS_FILE = "local/partners.properties";
    public static final String CUSTOMERS_FILE_VARIABLE = "LOCAL_CUSTOMERS_FILE";
    public static final String DEFAULT_CUSTOMERS_FILE = "local/customers.properties";

    private static final Pattern ACCESS_KEY = Pattern.compile("[A-Z0-9]{16,128}");
    private static final Pattern PARTNER = Pattern.compile("[\\.\\-_A-Za-z0-9]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** An access key's owner and its secret. */
    public record LocalPrincipal(String principalArn, String secretAccessKey) {

        /** The account in the principal's ARN ({@code arn:aws:iam::<account>:user/x}). */
        public String accountId() {
            String[] arn = principalArn.split(":", 6);
            return arn.length == 6 ? arn[4] : null;
        }
    }

    public LocalConfig {
        principals = Collections.unmodifiableMap(new LinkedHashMap<>(principals));
        partners = Collections.unmodifiableMap(new LinkedHashMap<>(partners));
        customers = Collections.unmodifiableMap(new LinkedHashMap<>(customers));
    }

    public Optional<LocalPrincipal> principal(String accessKeyId) {
        return Optional.ofNullable(principals.get(accessKeyId));
    }

    /** Reads the three files from where the environment says, else from the defaults under {@code workingDir}. */
    public static LocalConfig load(Map<String, String> env, Path workingDir) {
        return new LocalConfig(
                readPrincipals(file(env, PRINCIPALS_FILE_VARIABLE, DEFAULT_PRINCIPALS_FILE, workingDir)),
                readPartners(file(env, PARTNERS_FILE_VARIABLE, DEFAULT_PARTNERS_FILE, workingDir)),
                readCustomers(file(env, CUSTOMERS_FILE_VARIABLE, DEFAULT_CUSTOMERS_FILE, workingDir)));
    }

    static Path file(Map<String, String> env, String variable, String fallback, Path workingDir) {
        String given = env.get(variable);
        return workingDir.resolve(given == null || given.isBlank() ? fallback : given.trim());
    }

    public static Map<String, LocalPrincipal> readPrincipals(Path file) {
        Map<String, LocalPrincipal> principals = new LinkedHashMap<>();
        for (Line line : lines(file)) {
            if (!ACCESS_KEY.matcher(line.key()).matches()) {
                throw line.invalid("'" + line.key() + "' is not an access key id (upper-case letters and digits)");
            }
            String[] words = WHITESPACE.split(line.value());
            if (line.value().isEmpty() || words.length != 2 || !words[0].startsWith("arn:")) {
                throw line.invalid("expected <accessKeyId> = <principalArn> <secretAccessKey> (every key has a secret: the registry verifies each signature)");
            }
            if (principals.put(line.key(), new LocalPrincipal(words[0], words[1])) != null) {
                throw line.invalid("access key " + line.key() + " is listed twice");
            }
        }
        return principals;
    }

    public static Map<String, List<String>> readPartners(Path file) {
        return readPrincipalLists(file, PARTNER, "partner", "a partner name such as example.com");
    }

    /** Which principals act as the customer of which account (as `admin register-customer` grants them). */
    public static Map<String, List<String>> readCustomers(Path file) {
        return readPrincipalLists(file, ACCOUNT, "account", "a 12-digit account id");
    }

    private static Map<String, List<String>> readPrincipalLists(Path file, Pattern keys, String what, String example) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        for (Line line : lines(file)) {
            if (!keys.matcher(line.key()).matches()) {
                throw line.invalid("'" + line.key() + "' is not " + example);
            }
            List<String> arns = new ArrayList<>();
            for (String arn : line.value().split(",")) {
                if (!arn.trim().startsWith("arn:")) {
                    throw line.invalid("expected <" + what + "> = <principalArn>[,<principalArn>...]");
                }
                arns.add(arn.trim());
            }
            if (lists.put(line.key(), List.copyOf(arns)) != null) {
                throw line.invalid(what + " " + line.key() + " is listed twice");
            }
        }
        return lists;
    }

    private record Line(Path file, int number, String key, String value) {

        IllegalArgumentException invalid(String why) {
            return new IllegalArgumentException(file + ":" + number + ": " + why);
        }
    }

    private static List<Line> lines(Path file) {
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath().normalize()
                    + " (run from the repository root, or set " + PRINCIPALS_FILE_VARIABLE + "/" + PARTNERS_FILE_VARIABLE + "/"
                    + CUSTOMERS_FILE_VARIABLE + ")", e);
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new Line(file, i + 1, line, "").invalid("expected <key> = <value>");
            }
            lines.add(new Line(file, i + 1, line.substring(0, equals).trim(), line.substring(equals + 1).trim()));
        }
        return lines;
    }
}
