package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;

import dev.partnerregistry.store.RegistryTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a principal may do in the registry, as the operator granted it: the partners it is
 * registered for ({@code register-partner}) and the account whose customer it is
 * ({@code register-customer}; a principal is granted its own account only). A key of a principal
 * with neither signs requests that can do nothing.
 *
 * @param customerOf the account the principal is the customer of, or null
 */
public record PrincipalRights(String principalArn, List<String> partners, String customerOf) {

    public PrincipalRights {
        partners = List.copyOf(partners);
    }

    public boolean none() {
        return partners.isEmpty() && customerOf == null;
    }

    /** As list-keys shows it: {@code ["partner example.com", "customer of 123456789012"]}. */
    public List<String> described() {
        List<String> rights = new ArrayList<>();
        partners.forEach(partner -> rights.add("partner " + partner));
        if (customerOf != null) {
            rights.add("customer of " + customerOf);
        }
        return rights;
    }

    /** Read consistently: the partner items naming the principal (a Scan of partner items) and its account's grants. */
    public static PrincipalRights read(DynamoDbClient dynamoDb, String tableName, String principalArn) {
        List<String> partners = new ArrayList<>();
        String partnerPrefix = RegistryTable.partnerKey("").get(PARTITION_KEY).s();
        for (Map<String, AttributeValue> item : RegistryItems.scan(dynamoDb, tableName, partnerPrefix, RegistryTable.PARTNER_SORT_KEY,
                principalArn)) {
            partners.add(item.get(PARTITION_KEY).s().substring(partnerPrefix.length()));
        }
        partners.sort(null);
        String account = new dev.partnerregistry.domain.Caller(principalArn).accountId();
        boolean customer = account != null && new CustomerGrants(dynamoDb, tableName).granted(account).contains(principalArn);
        return new PrincipalRights(principalArn, partners, customer ? account : null);
    }
}
