package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.PRINCIPALS;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.Constraints;
import dev.partnerregistry.store.RegistryTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The operator's grants of the customer side ({@code register-customer}, {@code deregister-customer},
 * {@code list-customers}): which principals act as the customer of an account (ListEventSources,
 * CreateEventBus, ...). Nothing is implied: a principal of the account, a partner's included, has
 * no customer rights until granted, as in AWS the customer is whoever the account's own IAM allows.
 * A principal is granted its own account only, and never an account root: grants name the IAM user
 * or role that acts, as keys do.
 */
public final class CustomerGrants {

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public CustomerGrants(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** Grants each principal the customer side of {@code account}; returns the account's item as written. */
    public Map<String, AttributeValue> grant(String account, Collection<String> principals) {
        for (String principal : principals) {
            requireOfAccount(account, principal);
        }
        return update(account, "ADD #principals :principals", principals);
    }

    /** Revokes the grants; the function refuses them from the next request on (it reads the grant with each source). */
    public Map<String, AttributeValue> revoke(String account, Collection<String> principals) {
        requireAccount(account);
        return update(account, "DELETE #principals :principals", principals);
    }

    /** The principals granted {@code account}, none if it has no grants. */
    public Set<String> granted(String account) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName).key(RegistryTable.customerKey(account))
                .consistentRead(true)).item();
        AttributeValue principals = item == null ? null : item.get(PRINCIPALS);
        return principals == null || !principals.hasSs() ? Set.of() : new TreeSet<>(principals.ss());
    }

    /** Every account with grants, and its granted principals, by account (one consistent Scan of the grant items). */
    public Map<String, Set<String>> all() {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (Map<String, AttributeValue> item : RegistryItems.scan(dynamoDb, tableName, RegistryTable.CUSTOMER_PARTITION_PREFIX,
                RegistryTable.CUSTOMER_SORT_KEY)) {
            AttributeValue principals = item.get(PRINCIPALS);
            if (principals != null && principals.hasSs() && !principals.ss().isEmpty()) {
                grants.put(item.get(PARTITION_KEY).s().substring(RegistryTable.CUSTOMER_PARTITION_PREFIX.length()),
                        new TreeSet<>(principals.ss()));
            }
        }
        return grants;
    }

    /**
     * The account a principal ARN names, refusing what may not act: no account, or the account root
     * ({@code arn:aws:iam::123456789012:root}, every right of the account at once).
     */
    static String accountOf(String principalArn) {
        String account = new Caller(principalArn).accountId();
        if (account == null) {
            throw new IllegalArgumentException("'" + principalArn + "' is not an IAM principal ARN such as arn:aws:iam::123456789012:role/name");
        }
        if (principalArn.endsWith(":root")) {
            throw new IllegalArgumentException("'" + principalArn + "' is an account root: name the IAM user or role that acts instead");
        }
        return account;
    }

    private static void requireOfAccount(String account, String principal) {
        requireAccount(account);
        String own = accountOf(principal);
        if (!own.equals(account)) {
            throw new IllegalArgumentException(principal + " is a principal of account " + own + ", not " + account
                    + ": a principal acts as the customer of its own account only");
        }
    }

    private static void requireAccount(String account) {
        if (account == null || !Constraints.isAccount(account)) {
            throw new IllegalArgumentException("--account must be a 12-digit AWS account id");
        }
    }

    private Map<String, AttributeValue> update(String account, String expression, Collection<String> principals) {
        Map<String, AttributeValue> written = dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(RegistryTable.customerKey(account))
                .updateExpression(expression)
                .expressionAttributeNames(Map.of("#principals", PRINCIPALS))
                .expressionAttributeValues(Map.of(":principals", AttributeValue.fromSs(new ArrayList<>(principals))))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return written == null ? Map.of() : written;
    }
}
