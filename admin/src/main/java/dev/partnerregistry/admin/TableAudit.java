package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.ACCESS_KEYS;
import static dev.partnerregistry.store.RegistryTable.ACCOUNT;
import static dev.partnerregistry.store.RegistryTable.ACCOUNT_INDEX;
import static dev.partnerregistry.store.RegistryTable.ACTIVE_KEYS;
import static dev.partnerregistry.store.RegistryTable.BUS_ACCOUNT;
import static dev.partnerregistry.store.RegistryTable.BUS_CREATED_AT;
import static dev.partnerregistry.store.RegistryTable.COUNT_CHANGES;
import static dev.partnerregistry.store.RegistryTable.EXPIRES_AT;
import static dev.partnerregistry.store.RegistryTable.EXPIRY_QUEUE;
import static dev.partnerregistry.store.RegistryTable.EXPIRY_QUEUE_VALUE;
import static dev.partnerregistry.store.RegistryTable.KEY_PRINCIPAL;
import static dev.partnerregistry.store.RegistryTable.KEY_STATUS;
import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.SORT_KEY;
import static dev.partnerregistry.store.RegistryTable.SOURCE_COUNT;
import static dev.partnerregistry.store.RegistryTable.SOURCE_NAME;
import static dev.partnerregistry.store.RegistryTable.STATE;

import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.store.DynamoDbAccessKeys;
import dev.partnerregistry.store.ExpiredSourceSweep;
import dev.partnerregistry.store.RegistryTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The operator's audit ({@code admin audit [--partner P] [--repair]}): checks every invariant of
 * the table ({@link RegistryTable}) and, with repair, fixes what can be fixed without a person's
 * judgement. Each broken invariant is a {@link Finding} of a {@link Check} with a stable name.
 *
 * <p>The whole table is read with one paginated, consistent Scan, item by item: what is kept is a
 * tally per partner (sources, those not DELETED, a fingerprint of their index keys), the partner
 * and counter items' presence, the access keys' principals and the principals' lists, and the
 * findings themselves; never the sources. The byAccount index is then scanned into the same
 * fingerprints, and only a partner whose fingerprints differ is compared item by item. With a
 * partner named, its items are read by key and Query instead, and access keys are not checked.
 *
 * <p>A finding seen in a Scan, which is no snapshot, is looked at again before it is reported
 * (consistent reads of the items concerned; a counter only when its countChanges held still while
 * its sources were counted), so a write that ran during the audit is not reported. Index entries
 * cannot be read consistently: a mismatch is looked at again after {@link #INDEX_RECHECK_DELAY}
 * and reported only if it is still there. Every repair is conditioned on the item as it was read,
 * so a concurrent change wins and the finding is left for the next audit.
 */
public final class TableAudit {

    /** How long real DynamoDB's indexes may lag their items before a mismatch is believed. */
    static final Duration INDEX_RECHECK_DELAY = Duration.ofSeconds(2);
    private static final String PENDING = SourceState.PENDING.name();
    private static final String ACTIVE = SourceState.ACTIVE.name();
    private static final String DELETED = SourceState.DELETED.name();
    private static final Set<String> STATES = Set.of(PENDING, ACTIVE, DELETED);
    /** The source attributes a repair's condition insists are still absent when they were absent when read. */
    private static final List<String> LIFECYCLE_ATTRIBUTES = List.of(STATE, EXPIRES_AT, EXPIRY_QUEUE, BUS_ACCOUNT, BUS_CREATED_AT,
            RegistryTable.DELIVER_TO, RegistryTable.BUS_DESCRIPTION);
    private static final String NAME_PREFIX = "aws.partner/";

    private static final String PARTNER_PARTITION_PREFIX = pk(RegistryTable.partnerKey(""));
    private static final String COUNTER_SORT_KEY = sk(RegistryTable.counterKey(""));
    private static final String SOURCE_SORT_KEY_PREFIX = RegistryTable.sourceSortKey("");
    private static final String ACCESS_KEY_SORT_KEY = sk(RegistryTable.accessKeyKey(""));
    private static final String PRINCIPAL_PARTITION_PREFIX = pk(RegistryTable.principalKeysKey(""));
    private static final String PRINCIPAL_SORT_KEY = sk(RegistryTable.principalKeysKey(""));

    /** What the audit checks: one stable name per broken invariant, as the output and the README spell it. */
    public enum Check {
        /** 1: the partner's sourceCount is not the number of its sources that are not DELETED. Repair: recount. */
        COUNTER_MISMATCH("counter-mismatch"),
        /** 2: the table has no byAccount index (or it is not ACTIVE yet), so 2 cannot be checked. */
        ACCOUNT_INDEX_MISSING("account-index-missing"),
        /** 2: a source item has no entry in byAccount under its account. */
        INDEX_ENTRY_MISSING("index-entry-missing"),
        /** 2: byAccount lists the source under another account or with another state than the item has. */
        INDEX_ENTRY_STALE("index-entry-stale"),
        /** 2: byAccount holds an entry whose item is gone. */
        INDEX_ENTRY_ORPHANED("index-entry-orphaned"),
        /** A source item the lifecycle cannot read: no name or account, its sort key not its name, an unknown state, a non-numeric expiry. */
        SOURCE_MALFORMED("source-malformed"),
        /** 3: PENDING without expiresAt or without expiryQueue = PENDING. Repair: set them. */
        PENDING_WITHOUT_EXPIRY("pending-without-expiry"),
        /** 3: ACTIVE or DELETED with expiresAt or expiryQueue. Repair: remove them. */
        EXPIRY_WHEN_NOT_PENDING("expiry-when-not-pending"),
        /** 3: ACTIVE without busAccount = account. Repair: PENDING again, with a fresh expiry. */
        ACTIVE_WITHOUT_BUS("active-without-bus"),
        /** 3: DELETED without busAccount (nothing left to wait for). Repair: delete the item. */
        DELETED_WITHOUT_BUS("deleted-without-bus"),
        /** 4: a source partition whose partner item is gone. Report only. */
        ORPHANED_SOURCES("orphaned-sources"),
        /** 4: a counter whose partner item is gone. Report only. */
        ORPHANED_COUNTER("orphaned-counter"),
        /** 4: a source in SOURCES#p whose name belongs to another partner. Report only. */
        SOURCE_IN_WRONG_PARTITION("source-in-wrong-partition"),
        /** 4: an access key its principal's list does not name (or, active, not among activeKeys). Repair: add it. */
        KEY_NOT_IN_PRINCIPAL_LIST("key-not-in-principal-list"),
        /** 4: a principal's list names a key that is gone, another principal's, or (in activeKeys) inactive. Repair: remove it. */
        PRINCIPAL_LIST_NAMES_OTHER_KEY("principal-list-names-other-key"),
        /** 5: a PENDING source past its expiresAt that the sweep has not deleted yet. Repair: delete it and count it out. */
        EXPIRED_PENDING_SOURCE("expired-pending-source"),
        /** 6: an access key whose principal is registered for no partner and granted no account: it can sign, and do nothing. Report only. */
        KEY_WITHOUT_RIGHTS("key-without-rights"),
        /** 6: a customer grant whose principal holds no access key (checked only where the table holds keys: not under aws-iam). Report only. */
        GRANT_WITHOUT_KEY("grant-without-key");

        private final String label;

        Check(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What happened to a finding. */
    public enum Outcome {
        /** Dry run: --repair would fix it. */
        REPAIRABLE,
        /** Fixed by this run. */
        REPAIRED,
        /** --repair tried and did not fix it (a concurrent change won, or the write failed). */
        NOT_REPAIRED,
        /** Nothing the audit may fix: a person decides, or there is nothing to write. */
        REPORT_ONLY
    }

    /** One broken invariant: which, where (the item's keys), what is wrong, and what --repair does about it (null: nothing). */
    public record Finding(Check check, String where, String what, String remedy, Repair repair) {
    }

    /** A finding and what became of it. */
    public record Result(Finding finding, Outcome outcome, String detail) {

        public Check check() {
            return finding.check();
        }

        /** The finding's line in the output. */
        public String line() {
            Finding f = finding;
            String verdict = switch (outcome) {
                case REPAIRABLE -> "--repair: " + f.remedy();
                case REPAIRED -> "repaired: " + detail;
                case NOT_REPAIRED -> "NOT repaired: " + detail;
                case REPORT_ONLY -> "report only: " + detail;
            };
            return f.check().label() + "  " + f.where() + "  " + f.what() + "; " + verdict;
        }
    }

    /** What was read, for the totals. */
    public record Counts(long items, int partners, long sources, int accessKeys, int principals, long indexEntries) {
    }

    /** The audit's answer: every finding's line, then totals; {@link #exitCode()} for the command. */
    public record Report(String tableName, String partner, boolean repair, List<Result> results, Counts counts, boolean indexChecked,
                         Duration indexRecheckDelay) {

        public List<Result> of(Check check) {
            return results.stream().filter(r -> r.check() == check).toList();
        }

        public boolean clean() {
            return results.isEmpty();
        }

        /** 0: clean, or every finding repaired; 1: findings remain (dry run, report only, or a repair that did not take). */
        public int exitCode() {
            return results.stream().allMatch(r -> r.outcome() == Outcome.REPAIRED) ? 0 : 1;
        }

        public String render() {
            StringBuilder out = new StringBuilder();
            out.append("audit of table ").append(tableName).append(partner == null ? "" : ", partner " + partner)
                    .append(repair ? ", repairing (each write conditioned on the item as read)"
                            : ", dry run (nothing written; --repair fixes what it can)")
                    .append('\n');
            for (Result result : results) {
                out.append(result.line()).append('\n');
            }
            out.append("read: ").append(plural(counts.items(), "item")).append(", ").append(plural(counts.partners(), "registered partner"))
                    .append(", ").append(plural(counts.sources(), "source"));
            if (partner == null) {
                out.append(", ").append(plural(counts.accessKeys(), "access key")).append(", ")
                        .append(plural(counts.principals(), "principal's key list", "principals' key lists"));
            } else {
                out.append(" (access keys are audited only without --partner)");
            }
            if (indexChecked) {
                out.append(", ").append(plural(counts.indexEntries(), ACCOUNT_INDEX + " entry", ACCOUNT_INDEX + " entries")).append('\n')
                        .append(ACCOUNT_INDEX).append(": DynamoDB's indexes are eventually consistent (moto's are not), so a mismatch is ")
                        .append("reported only if it is still there when looked at again ").append(indexRecheckDelay.toMillis())
                        .append(" ms later\n");
            } else {
                out.append('\n');
            }
            if (results.isEmpty()) {
                return out.append("clean: no findings\n").toString();
            }
            Map<String, Integer> byCheck = new TreeMap<>();
            Map<Outcome, Integer> byOutcome = new TreeMap<>();
            for (Result result : results) {
                byCheck.merge(result.check().label(), 1, Integer::sum);
                byOutcome.merge(result.outcome(), 1, Integer::sum);
            }
            out.append("findings: ").append(results.size()).append(" (");
            String separator = "";
            for (Map.Entry<String, Integer> count : byCheck.entrySet()) {
                out.append(separator).append(count.getKey()).append(' ').append(count.getValue());
                separator = ", ";
            }
            out.append(")\n");
            int reportOnly = byOutcome.getOrDefault(Outcome.REPORT_ONLY, 0);
            if (repair) {
                out.append("repaired: ").append(byOutcome.getOrDefault(Outcome.REPAIRED, 0))
                        .append("; not repaired: ").append(byOutcome.getOrDefault(Outcome.NOT_REPAIRED, 0))
                        .append(" (audit again); report only: ").append(reportOnly).append(" (for a person)\n");
            } else {
                out.append("--repair would fix: ").append(byOutcome.getOrDefault(Outcome.REPAIRABLE, 0))
                        .append("; report only: ").append(reportOnly).append(" (for a person)\n");
            }
            return out.toString();
        }
    }

    /** A repair: writes, conditioned on what was read, and says what it did; {@link Lost} when a concurrent change won. */
    @FunctionalInterface
    public interface Repair {
        String apply();
    }

    /** The item changed since the audit read it: the repair wrote nothing. */
    static final class Lost extends RuntimeException {
        Lost() {
            super("changed since it was read (a concurrent write won); nothing written, audit again", null, false, false);
        }
    }

    /** The byAccount index as the audit reads it; a seam so that tests can show it lagging. */
    interface AccountIndex {
        /** Every entry (its item's pk, sk, account and state), page by page. */
        Iterable<Map<String, AttributeValue>> entries();

        /** The entries of the items in one partition. */
        Iterable<Map<String, AttributeValue>> entriesOf(String partition);

        /** The entries under {@code account} of the item with these keys. */
        List<Map<String, AttributeValue>> entriesAt(String account, String partition, String sortKey);
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final DynamoDbRegistryAdmin admin;
    private final Duration sourceExpiration;
    private final Clock clock;
    private final AccountIndex index;
    private final Duration indexRecheckDelay;

    /**
     * @param sourceExpiration how long a source may stay PENDING (the function's SOURCE_EXPIRATION_DAYS): a
     *                         source made PENDING again by a repair gets this long from now
     */
    public TableAudit(DynamoDbClient dynamoDb, String tableName, Duration sourceExpiration, Clock clock) {
        this(dynamoDb, tableName, sourceExpiration, clock, null, INDEX_RECHECK_DELAY);
    }

    TableAudit(DynamoDbClient dynamoDb, String tableName, Duration sourceExpiration, Clock clock, AccountIndex index,
               Duration indexRecheckDelay) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.admin = new DynamoDbRegistryAdmin(dynamoDb, tableName);
        this.sourceExpiration = sourceExpiration;
        this.clock = clock;
        this.index = index != null ? index : new DynamoDbAccountIndex(dynamoDb, tableName);
        this.indexRecheckDelay = indexRecheckDelay;
    }

    /**
     * Audits the whole table, or only {@code partner}'s items when given, and with {@code repair}
     * applies each finding's repair in turn: the sources' first, the counters' last (a recount
     * counts what the other repairs left).
     */
    public Report run(String partner, boolean repair) {
        Survey survey = new Survey(clock.instant());
        if (partner == null) {
            dynamoDb.scanPaginator(r -> r.tableName(tableName).consistentRead(true)).items().forEach(survey::add);
        } else {
            surveyPartner(partner, survey);
        }
        // Orphans first: a partner registered while the Scan ran is found there, and its sources stay repairable.
        List<Finding> orphans = survey.orphanFindings();
        List<Finding> findings = new ArrayList<>(survey.sourceFindings());
        boolean indexChecked = indexActive();
        long indexEntries = 0;
        if (indexChecked) {
            indexEntries = checkIndex(survey, partner, findings);
        } else {
            findings.add(new Finding(Check.ACCOUNT_INDEX_MISSING, tableName, "the table has no ACTIVE index " + ACCOUNT_INDEX
                    + ", so index and items were not compared", null, null));
        }
        findings.addAll(orphans);
        if (partner == null) {
            findings.addAll(survey.keyFindings());
            findings.addAll(rightsFindings(survey));
        }
        findings.addAll(survey.counterFindings());

        List<Result> results = new ArrayList<>();
        for (Finding finding : findings) {
            results.add(settle(finding, repair));
        }
        Counts counts = new Counts(survey.items, survey.registeredPartners(), survey.sources, survey.keys.size(), survey.principals.size(),
                indexEntries);
        return new Report(tableName, partner, repair, results, counts, indexChecked, indexRecheckDelay);
    }

    private Result settle(Finding finding, boolean repair) {
        if (finding.repair() == null) {
            return new Result(finding, Outcome.REPORT_ONLY, finding.remedy());
        }
        if (!repair) {
            return new Result(finding, Outcome.REPAIRABLE, null);
        }
        try {
            return new Result(finding, Outcome.REPAIRED, finding.repair().apply());
        } catch (Lost lost) {
            return new Result(finding, Outcome.NOT_REPAIRED, lost.getMessage());
        } catch (RuntimeException e) {
            return new Result(finding, Outcome.NOT_REPAIRED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    // ---- reading ----

    private void surveyPartner(String partner, Survey survey) {
        for (Map<String, AttributeValue> key : List.of(RegistryTable.partnerKey(partner), RegistryTable.counterKey(partner))) {
            Map<String, AttributeValue> item = get(key);
            if (item != null) {
                survey.add(item);
            }
        }
        survey.expect(partner);
        dynamoDb.queryPaginator(r -> r.tableName(tableName)
                        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :source)")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(RegistryTable.sourcePartition(partner)),
                                ":source", AttributeValue.fromS(SOURCE_SORT_KEY_PREFIX)))
                        .consistentRead(true))
                .items().forEach(survey::add);
    }

    private boolean indexActive() {
        List<GlobalSecondaryIndexDescription> indexes = dynamoDb.describeTable(r -> r.tableName(tableName)).table().globalSecondaryIndexes();
        return indexes != null && indexes.stream()
                .anyMatch(i -> ACCOUNT_INDEX.equals(i.indexName()) && (i.indexStatus() == null || i.indexStatus() == IndexStatus.ACTIVE));
    }

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName).key(key).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** What the Scan saw, kept small: tallies per partition, partners, counters, keys; and the sources' findings. */
    private final class Survey {

        final Instant now;
        final Set<String> partners = new TreeSet<>();
        /** Partners whose items were looked for by key (--partner), so that their absence means something. */
        final Set<String> expected = new TreeSet<>();
        final Map<String, Long> counters = new TreeMap<>();
        final Map<String, Tally> partitions = new TreeMap<>();
        final Map<String, KeyItem> keys = new TreeMap<>();
        final Map<String, PrincipalList> principals = new TreeMap<>();
        /** Every principal some partner item names, and each account's granted customers. */
        final Set<String> partnerPrincipals = new TreeSet<>();
        final Map<String, Set<String>> grants = new TreeMap<>();
        /** Findings about one source, by its partition's partner: repairable only if that partner is registered. */
        final List<SourceFinding> sourceFindings = new ArrayList<>();
        long items;
        long sources;
        /** While true, findings are about a source a person must decide on first: reported, never repaired. */
        private boolean held;

        Survey(Instant now) {
            this.now = now;
        }

        void expect(String partner) {
            expected.add(partner);
        }

        int registeredPartners() {
            return partners.size();
        }

        void add(Map<String, AttributeValue> item) {
            items++;
            String pk = string(item, PARTITION_KEY);
            String sk = string(item, SORT_KEY);
            if (pk == null || sk == null) {
                return;
            }
            if (pk.startsWith(PARTNER_PARTITION_PREFIX) && sk.equals(RegistryTable.PARTNER_SORT_KEY)) {
                partners.add(pk.substring(PARTNER_PARTITION_PREFIX.length()));
                partnerPrincipals.addAll(strings(item, RegistryTable.PRINCIPALS));
            } else if (pk.startsWith(RegistryTable.CUSTOMER_PARTITION_PREFIX) && sk.equals(RegistryTable.CUSTOMER_SORT_KEY)) {
                grants.put(pk.substring(RegistryTable.CUSTOMER_PARTITION_PREFIX.length()), strings(item, RegistryTable.PRINCIPALS));
            } else if (pk.startsWith(RegistryTable.COUNTER_PARTITION_PREFIX) && sk.equals(COUNTER_SORT_KEY)) {
                counters.put(pk.substring(RegistryTable.COUNTER_PARTITION_PREFIX.length()), number(item, SOURCE_COUNT, 0));
            } else if (pk.startsWith(RegistryTable.SOURCE_PARTITION_PREFIX) && sk.startsWith(SOURCE_SORT_KEY_PREFIX)) {
                sources++;
                source(pk.substring(RegistryTable.SOURCE_PARTITION_PREFIX.length()), pk, sk, item);
            } else if (pk.startsWith(RegistryTable.ACCESS_KEY_PARTITION_PREFIX) && sk.equals(ACCESS_KEY_SORT_KEY)) {
                String id = pk.substring(RegistryTable.ACCESS_KEY_PARTITION_PREFIX.length());
                keys.put(id, new KeyItem(id, string(item, KEY_PRINCIPAL), string(item, KEY_STATUS)));
            } else if (pk.startsWith(PRINCIPAL_PARTITION_PREFIX) && sk.equals(PRINCIPAL_SORT_KEY)) {
                String arn = pk.substring(PRINCIPAL_PARTITION_PREFIX.length());
                principals.put(arn, new PrincipalList(arn, strings(item, ACCESS_KEYS), strings(item, ACTIVE_KEYS)));
            }
        }

        private void source(String partner, String pk, String sk, Map<String, AttributeValue> item) {
            Tally tally = partitions.computeIfAbsent(pk, p -> new Tally());
            tally.sources++;
            String state = string(item, STATE);
            if (!DELETED.equals(state)) {
                tally.counted++;
            }
            String account = string(item, ACCOUNT);
            if (account != null) {
                tally.add(fingerprint(pk, sk, account, state));
            }
            String where = pk + " " + sk;
            String name = string(item, SOURCE_NAME);
            AttributeValue expiresAt = item.get(EXPIRES_AT);
            String malformed = name == null ? "no name"
                    : !sk.equals(RegistryTable.sourceSortKey(name)) ? "sort key is not SOURCE#<name> (name " + name + ")"
                    : account == null ? "no account (so no entry in " + ACCOUNT_INDEX + ")"
                    : state == null || !STATES.contains(state)
                            ? "state " + (state == null ? "missing" : "'" + state + "'") + ", not one of " + new TreeSet<>(STATES)
                    : expiresAt != null && epochMillis(expiresAt) == null ? "expiresAt is not a number of epoch milliseconds"
                    : null;
            if (malformed != null) {
                add(partner, new Finding(Check.SOURCE_MALFORMED, where, malformed,
                        "the lifecycle cannot read it; nothing is safe to write without knowing what it was", null));
                return;
            }
            String namePartner = namePartner(name);
            boolean misplaced = !partner.equals(namePartner);
            if (misplaced) {
                add(partner, new Finding(Check.SOURCE_IN_WRONG_PARTITION, where, "the name belongs to partner "
                        + (namePartner == null ? "(none: not aws.partner/<partner>/...)" : namePartner) + ", the partition to " + partner,
                        "a person decides: move it to " + RegistryTable.SOURCE_PARTITION_PREFIX + (namePartner == null ? "?" : namePartner)
                                + " (and recount both) or delete it", null));
            }
            held = misplaced;
            lifecycle(partner, where, state, account, item);
            held = false;
        }

        /**
         * Invariants 3 and 5 on one source as read: at most one finding, since each repair is
         * conditioned on the item as read and a second would find it changed. An expired source is
         * only swept: whatever else is wrong with it goes with it.
         */
        private void lifecycle(String partner, String where, String state, String account, Map<String, AttributeValue> item) {
            Long expiresAt = item.containsKey(EXPIRES_AT) ? epochMillis(item.get(EXPIRES_AT)) : null;
            String queue = string(item, EXPIRY_QUEUE);
            boolean hasExpiry = item.containsKey(EXPIRES_AT) || item.containsKey(EXPIRY_QUEUE);
            String bus = string(item, BUS_ACCOUNT);
            if (state.equals(PENDING) && expiresAt != null && expiresAt <= now.toEpochMilli()) {
                add(partner, new Finding(Check.EXPIRED_PENDING_SOURCE, where, "PENDING, expired at " + Instant.ofEpochMilli(expiresAt)
                        + ", not swept yet" + (EXPIRY_QUEUE_VALUE.equals(queue) ? "" : " (nor can the sweep find it: no expiryQueue)"),
                        "the expiry sweep's own: " + (account.equals(bus) ? "make it DELETED (its customer's bus remains)" : "delete it")
                                + " and take it off the partner's counter, in one transaction conditioned on the source as read again",
                        () -> sweep(partner, item)));
            } else if (state.equals(ACTIVE) && !account.equals(bus)) {
                add(partner, new Finding(Check.ACTIVE_WITHOUT_BUS, where, bus == null ? "ACTIVE, but no customer bus (no busAccount)"
                        : "ACTIVE, but busAccount " + bus + " is not the source's account " + account,
                        "PENDING again, expiring " + span(sourceExpiration) + " from the repair"
                                + (bus == null ? "" : ", busAccount and busCreatedAt removed"),
                        () -> pendingAgain(item)));
            } else if (state.equals(DELETED) && !account.equals(bus)) {
                add(partner, new Finding(Check.DELETED_WITHOUT_BUS, where, "DELETED, but no customer bus to wait for ("
                                + (bus == null ? "no busAccount" : "busAccount " + bus + " is not the source's account " + account) + ")",
                        "delete the item (DELETED sources are not counted: the counter stays)", () -> deleteAsRead(item)));
            } else if (state.equals(PENDING) && (expiresAt == null || !EXPIRY_QUEUE_VALUE.equals(queue))) {
                String missing = expiresAt == null && !EXPIRY_QUEUE_VALUE.equals(queue) ? "expiresAt and expiryQueue"
                        : expiresAt == null ? "expiresAt" : "expiryQueue = " + EXPIRY_QUEUE_VALUE;
                add(partner, new Finding(Check.PENDING_WITHOUT_EXPIRY, where, "PENDING without " + missing + " (so no sweep will expire it)",
                        expiresAt == null ? "set expiresAt to " + span(sourceExpiration) + " from the repair, and expiryQueue"
                                : "set expiryQueue (expiresAt kept)",
                        () -> expiryRestored(item, expiresAt)));
            } else if (!state.equals(PENDING) && hasExpiry) {
                String which = item.containsKey(EXPIRES_AT) && item.containsKey(EXPIRY_QUEUE) ? "expiresAt and expiryQueue"
                        : item.containsKey(EXPIRES_AT) ? "expiresAt" : "expiryQueue";
                add(partner, new Finding(Check.EXPIRY_WHEN_NOT_PENDING, where, state + ", but with " + which + " (only PENDING sources expire)",
                        "remove expiresAt and expiryQueue", () -> expiryRemoved(item)));
            }
        }

        private void add(String partner, Finding finding) {
            sourceFindings.add(new SourceFinding(partner, finding, held));
        }

        /**
         * The sources' findings in key order; those of a partner that is not registered, or of a source
         * in another partner's partition, are reported only (a person decides first).
         */
        List<Finding> sourceFindings() {
            sourceFindings.sort(Comparator.comparing(found -> found.finding().where()));
            List<Finding> findings = new ArrayList<>();
            for (SourceFinding found : sourceFindings) {
                Finding f = found.finding();
                if (f.repair() != null && !partners.contains(found.partner())) {
                    f = new Finding(f.check(), f.where(), f.what(),
                            "its partner " + found.partner() + " is not registered (orphaned-sources): a person decides,"
                                    + " the audit writes nothing there", null);
                } else if (f.repair() != null && found.held()) {
                    f = new Finding(f.check(), f.where(), f.what(),
                            "the source is in another partner's partition (source-in-wrong-partition): a person decides first", null);
                }
                findings.add(f);
            }
            return findings;
        }

        /** Source partitions and counters of partners whose item is gone, confirmed by a consistent read of the partner item. */
        List<Finding> orphanFindings() {
            List<Finding> findings = new ArrayList<>();
            Set<String> unregistered = new TreeSet<>();
            for (String pk : partitions.keySet()) {
                unregistered.add(pk.substring(RegistryTable.SOURCE_PARTITION_PREFIX.length()));
            }
            unregistered.addAll(counters.keySet());
            unregistered.removeAll(partners);
            for (String partner : unregistered) {
                if (!expected.contains(partner) && get(RegistryTable.partnerKey(partner)) != null) {
                    partners.add(partner);
                    continue;
                }
                Tally tally = partitions.get(RegistryTable.sourcePartition(partner));
                if (tally != null) {
                    findings.add(new Finding(Check.ORPHANED_SOURCES, RegistryTable.sourcePartition(partner), plural(tally.sources, "source")
                            + ", but no partner item " + PARTNER_PARTITION_PREFIX + partner,
                            "a person decides: register-partner again, or delete the partition and its counter", null));
                }
                if (counters.containsKey(partner)) {
                    findings.add(new Finding(Check.ORPHANED_COUNTER, RegistryTable.COUNTER_PARTITION_PREFIX + partner + " " + COUNTER_SORT_KEY,
                            "sourceCount " + counters.get(partner) + ", but no partner item " + PARTNER_PARTITION_PREFIX + partner,
                            "a person decides: register-partner again (then recount), or delete the counter", null));
                }
            }
            return findings;
        }

        /**
         * Each registered partner's counter against its sources not DELETED. A mismatch in the Scan
         * is counted again by key, while the counter's countChanges holds still, before it is believed.
         */
        List<Finding> counterFindings() {
            List<Finding> findings = new ArrayList<>();
            for (String partner : partners) {
                Tally tally = partitions.get(RegistryTable.sourcePartition(partner));
                long counted = tally == null ? 0 : tally.counted;
                long counter = counters.getOrDefault(partner, 0L);
                if (counted == counter) {
                    continue;
                }
                long[] settled = settledCount(partner);
                if (settled != null && settled[0] == settled[1]) {
                    continue;
                }
                long[] shown = settled == null ? new long[] {counter, counted} : settled;
                findings.add(new Finding(Check.COUNTER_MISMATCH, RegistryTable.COUNTER_PARTITION_PREFIX + partner + " " + COUNTER_SORT_KEY,
                        "sourceCount is " + shown[0] + ", but the partner holds " + shown[1] + " sources not DELETED"
                                + (settled == null ? " (the partner kept changing while counted)" : ""),
                        "recount, conditioned on countChanges as `admin recount` is",
                        () -> "sourceCount " + admin.recount(partner).get(SOURCE_COUNT).n()));
            }
            return findings;
        }

        /** Access keys against their principals' lists, each mismatch confirmed by consistent reads of both items. */
        List<Finding> keyFindings() {
            List<Finding> findings = new ArrayList<>();
            for (KeyItem key : keys.values()) {
                PrincipalList list = key.principal() == null ? null : principals.get(key.principal());
                if (key.principal() != null && !key.listedIn(list)) {
                    KeyItem now = readKey(key.id());
                    PrincipalList nowList = readPrincipal(key.principal());
                    if (now != null && key.principal().equals(now.principal()) && !now.listedIn(nowList)) {
                        String where = pk(RegistryTable.accessKeyKey(key.id())) + " " + ACCESS_KEY_SORT_KEY;
                        findings.add(new Finding(Check.KEY_NOT_IN_PRINCIPAL_LIST, where,
                                now.status() + " key of " + now.principal() + ", but " + PRINCIPAL_PARTITION_PREFIX + now.principal()
                                        + (nowList == null ? " does not exist" : " does not name it in " + now.missingFrom(nowList)),
                                "add it to the principal's " + now.missingFrom(nowList), () -> addToList(now)));
                    }
                }
            }
            for (PrincipalList list : principals.values()) {
                Set<String> named = new TreeSet<>(list.accessKeys());
                named.addAll(list.activeKeys());
                for (String id : named) {
                    KeyItem key = keys.get(id);
                    if (list.wrongAbout(id, key) == null) {
                        continue;
                    }
                    KeyItem now = readKey(id);
                    PrincipalList nowList = readPrincipal(list.principal());
                    String wrong = nowList == null ? null : nowList.wrongAbout(id, now);
                    if (wrong != null) {
                        findings.add(new Finding(Check.PRINCIPAL_LIST_NAMES_OTHER_KEY, pk(RegistryTable.principalKeysKey(list.principal())) + " "
                                + PRINCIPAL_SORT_KEY, wrong, "remove " + id + " from " + nowList.listsWrongly(id, now),
                                () -> removeFromList(nowList.principal(), id, now)));
                    }
                }
            }
            return findings;
        }
    }

    /**
     * Keys that can do nothing (their principal registered for no partner, granted no account), and
     * grants nobody can use (their principal holds no key; only where the table holds keys at all, as
     * an aws-iam deployment's callers sign with their own IAM identities). Both confirmed by
     * consistent reads before they are reported; a person decides (issue-key refuses the first now).
     */
    private List<Finding> rightsFindings(Survey survey) {
        List<Finding> findings = new ArrayList<>();
        Set<String> keyHolders = new TreeSet<>();
        survey.keys.values().forEach(key -> {
            if (key.principal() != null) {
                keyHolders.add(key.principal());
            }
        });
        for (String principal : keyHolders) {
            String account = new dev.partnerregistry.domain.Caller(principal).accountId();
            boolean rights = survey.partnerPrincipals.contains(principal)
                    || (account != null && survey.grants.getOrDefault(account, Set.of()).contains(principal));
            if (!rights && PrincipalRights.read(dynamoDb, tableName, principal).none()) {
                findings.add(new Finding(Check.KEY_WITHOUT_RIGHTS, pk(RegistryTable.principalKeysKey(principal)) + " " + PRINCIPAL_SORT_KEY,
                        "holds access keys, but is registered for no partner and granted no account",
                        "register-partner or register-customer for it, or delete its keys", null));
            }
        }
        if (keyHolders.isEmpty()) {
            return findings;
        }
        for (Map.Entry<String, Set<String>> account : survey.grants.entrySet()) {
            for (String principal : account.getValue()) {
                PrincipalList list = keyHolders.contains(principal) ? null : readPrincipal(principal);
                if (!keyHolders.contains(principal) && (list == null || list.accessKeys().isEmpty())) {
                    findings.add(new Finding(Check.GRANT_WITHOUT_KEY, pk(RegistryTable.customerKey(account.getKey())) + " "
                            + RegistryTable.CUSTOMER_SORT_KEY, "grants " + principal + ", which holds no access key",
                            "issue-key --principal " + principal + " if it is to call, else deregister-customer", null));
                }
            }
        }
        return findings;
    }

    private record SourceFinding(String partner, Finding finding, boolean held) {
    }

    /** One partition's sources as the Scan saw them: how many, how many counted, and the sum of their index keys' fingerprints. */
    private static final class Tally {
        long sources;
        long counted;
        long indexed;
        long fingerprint;

        void add(long print) {
            indexed++;
            fingerprint += print;
        }

        boolean sameAs(Tally other) {
            return other != null && indexed == other.indexed && fingerprint == other.fingerprint;
        }
    }

    private record KeyItem(String id, String principal, String status) {

        boolean active() {
            return DynamoDbAccessKeys.ACTIVE.equals(status);
        }

        boolean listedIn(PrincipalList list) {
            return list != null && list.accessKeys().contains(id) && (!active() || list.activeKeys().contains(id));
        }

        String missingFrom(PrincipalList list) {
            boolean keys = list == null || !list.accessKeys().contains(id);
            boolean activeKeys = active() && (list == null || !list.activeKeys().contains(id));
            return keys && activeKeys ? ACCESS_KEYS + " and " + ACTIVE_KEYS : keys ? ACCESS_KEYS : ACTIVE_KEYS;
        }
    }

    private record PrincipalList(String principal, Set<String> accessKeys, Set<String> activeKeys) {

        /** What is wrong about this list naming {@code id}, given the key as read (null: gone); null if nothing. */
        String wrongAbout(String id, KeyItem key) {
            if (!accessKeys.contains(id) && !activeKeys.contains(id)) {
                return null;
            }
            if (key == null) {
                return "names " + id + ", which does not exist";
            }
            if (!principal.equals(key.principal())) {
                return "names " + id + ", which is " + key.principal() + "'s";
            }
            if (activeKeys.contains(id) && !key.active()) {
                return "counts " + id + " among its " + ACTIVE_KEYS + ", but the key is " + key.status();
            }
            return null;
        }

        String listsWrongly(String id, KeyItem key) {
            boolean wholly = key == null || !principal.equals(key.principal());
            return wholly ? ACCESS_KEYS + " and " + ACTIVE_KEYS : ACTIVE_KEYS;
        }
    }

    private KeyItem readKey(String id) {
        Map<String, AttributeValue> item = get(RegistryTable.accessKeyKey(id));
        return item == null ? null : new KeyItem(id, string(item, KEY_PRINCIPAL), string(item, KEY_STATUS));
    }

    private PrincipalList readPrincipal(String arn) {
        Map<String, AttributeValue> item = get(RegistryTable.principalKeysKey(arn));
        return item == null ? null : new PrincipalList(arn, strings(item, ACCESS_KEYS), strings(item, ACTIVE_KEYS));
    }

    /** A partner's counter and its sources not DELETED, counted while countChanges held still; null if it never did. */
    private long[] settledCount(String partner) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Map<String, AttributeValue> before = get(RegistryTable.counterKey(partner));
            long counted = admin.countedSources(partner);
            Map<String, AttributeValue> after = get(RegistryTable.counterKey(partner));
            if (Objects.equals(attribute(before, COUNT_CHANGES), attribute(after, COUNT_CHANGES))
                    && Objects.equals(attribute(before, SOURCE_COUNT), attribute(after, SOURCE_COUNT))) {
                return new long[] {after == null ? 0 : number(after, SOURCE_COUNT, 0), counted};
            }
        }
        return null;
    }

    // ---- the index ----

    /**
     * Invariant 2: byAccount against the items. The index's fingerprints per partition are compared
     * with the Scan's; a partition that differs (or, with --partner, the partner's) is compared entry
     * by entry, and each mismatch looked at again after the recheck delay.
     */
    private long checkIndex(Survey survey, String partner, List<Finding> findings) {
        long entries = 0;
        Set<String> differing = new TreeSet<>();
        if (partner == null) {
            Map<String, Tally> indexed = new HashMap<>();
            for (Map<String, AttributeValue> entry : index.entries()) {
                entries++;
                String pk = string(entry, PARTITION_KEY);
                indexed.computeIfAbsent(pk, p -> new Tally())
                        .add(fingerprint(pk, string(entry, SORT_KEY), string(entry, ACCOUNT), string(entry, STATE)));
            }
            Set<String> partitions = new TreeSet<>(indexed.keySet());
            partitions.addAll(survey.partitions.keySet());
            for (String pk : partitions) {
                Tally items = survey.partitions.get(pk);
                Tally inIndex = indexed.get(pk);
                boolean bothEmpty = (items == null || items.indexed == 0) && inIndex == null;
                if (!bothEmpty && (items == null || !items.sameAs(inIndex))) {
                    differing.add(pk);
                }
            }
        } else {
            differing.add(RegistryTable.sourcePartition(partner));
        }
        List<Suspect> suspects = new ArrayList<>();
        for (String pk : differing) {
            long[] seen = {0};
            suspects.addAll(compare(pk, seen));
            if (partner != null) {
                entries += seen[0];
            }
        }
        if (suspects.isEmpty()) {
            return entries;
        }
        pause(indexRecheckDelay);
        for (Suspect suspect : suspects) {
            Finding finding = recheck(suspect);
            if (finding != null) {
                findings.add(finding);
            }
        }
        return entries;
    }

    /** An item key whose index entries did not agree with it, and the accounts to look under again. */
    private record Suspect(String pk, String sk, Set<String> accounts) {
    }

    private record Indexed(String account, String state) {
    }

    private List<Suspect> compare(String pk, long[] seen) {
        Map<String, Indexed> items = new TreeMap<>();
        dynamoDb.queryPaginator(r -> r.tableName(tableName)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                        .consistentRead(true))
                .items().forEach(item -> {
                    if (string(item, ACCOUNT) != null) {
                        items.put(string(item, SORT_KEY), new Indexed(string(item, ACCOUNT), string(item, STATE)));
                    }
                });
        Map<String, List<Indexed>> entries = new TreeMap<>();
        for (Map<String, AttributeValue> entry : index.entriesOf(pk)) {
            seen[0]++;
            entries.computeIfAbsent(string(entry, SORT_KEY), k -> new ArrayList<>()).add(new Indexed(string(entry, ACCOUNT), string(entry, STATE)));
        }
        List<Suspect> suspects = new ArrayList<>();
        Set<String> keys = new TreeSet<>(items.keySet());
        keys.addAll(entries.keySet());
        for (String sk : keys) {
            Indexed item = items.get(sk);
            List<Indexed> listed = entries.getOrDefault(sk, List.of());
            if (item == null || !listed.equals(List.of(item))) {
                Set<String> accounts = new LinkedHashSet<>();
                if (item != null) {
                    accounts.add(item.account());
                }
                listed.forEach(e -> accounts.add(e.account()));
                suspects.add(new Suspect(pk, sk, accounts));
            }
        }
        return suspects;
    }

    /** The suspect looked at again: the item by a consistent read, its entries under every account involved. */
    private Finding recheck(Suspect suspect) {
        Map<String, AttributeValue> item = get(Map.of(PARTITION_KEY, AttributeValue.fromS(suspect.pk()),
                SORT_KEY, AttributeValue.fromS(suspect.sk())));
        String account = item == null ? null : string(item, ACCOUNT);
        Set<String> accounts = new LinkedHashSet<>(suspect.accounts());
        if (account != null) {
            accounts.add(account);
        }
        List<Indexed> listed = new ArrayList<>();
        for (String under : accounts) {
            for (Map<String, AttributeValue> entry : index.entriesAt(under, suspect.pk(), suspect.sk())) {
                listed.add(new Indexed(string(entry, ACCOUNT), string(entry, STATE)));
            }
        }
        String where = suspect.pk() + " " + suspect.sk();
        String again = " (still so when looked at again " + indexRecheckDelay.toMillis() + " ms later)";
        String remedy = "nothing to repair by hand: DynamoDB writes index entries itself; if it persists, the index is at fault (raise it with AWS)";
        if (account == null) {
            if (listed.isEmpty()) {
                return null;
            }
            return new Finding(Check.INDEX_ENTRY_ORPHANED, where, ACCOUNT_INDEX + " lists it under account " + listed.get(0).account()
                    + ", but the item " + (item == null ? "is gone" : "has no account") + again, remedy, null);
        }
        Indexed expected = new Indexed(account, string(item, STATE));
        if (listed.equals(List.of(expected))) {
            return null;
        }
        if (listed.isEmpty()) {
            return new Finding(Check.INDEX_ENTRY_MISSING, where, "not in " + ACCOUNT_INDEX + " under its account " + account + again, remedy, null);
        }
        StringBuilder seen = new StringBuilder();
        for (Indexed entry : listed) {
            seen.append(seen.length() == 0 ? "" : ", ").append("account ").append(entry.account()).append(" state ").append(entry.state());
        }
        return new Finding(Check.INDEX_ENTRY_STALE, where, ACCOUNT_INDEX + " lists it as " + seen + ", the item has account " + account
                + " state " + expected.state() + again, remedy, null);
    }

    private static void pause(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to look at the index again", e);
        }
    }

    /** The index as DynamoDB serves it: Scans and Queries of byAccount, never consistent (an index cannot be). */
    static final class DynamoDbAccountIndex implements AccountIndex {

        private static final String PROJECTION = "#pk, #sk, #account, #state";
        private static final Map<String, String> NAMES = Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY, "#account", ACCOUNT, "#state", STATE);

        private final DynamoDbClient dynamoDb;
        private final String tableName;

        DynamoDbAccountIndex(DynamoDbClient dynamoDb, String tableName) {
            this.dynamoDb = dynamoDb;
            this.tableName = tableName;
        }

        @Override
        public Iterable<Map<String, AttributeValue>> entries() {
            return dynamoDb.scanPaginator(r -> r.tableName(tableName).indexName(ACCOUNT_INDEX)
                    .projectionExpression(PROJECTION).expressionAttributeNames(NAMES)).items();
        }

        @Override
        public Iterable<Map<String, AttributeValue>> entriesOf(String partition) {
            return dynamoDb.scanPaginator(r -> r.tableName(tableName).indexName(ACCOUNT_INDEX)
                    .projectionExpression(PROJECTION).expressionAttributeNames(NAMES)
                    .filterExpression("#pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition)))).items();
        }

        @Override
        public List<Map<String, AttributeValue>> entriesAt(String account, String partition, String sortKey) {
            List<Map<String, AttributeValue>> entries = new ArrayList<>();
            dynamoDb.queryPaginator(r -> r.tableName(tableName).indexName(ACCOUNT_INDEX)
                            .keyConditionExpression("#account = :account AND #sk = :sk")
                            .filterExpression("#pk = :pk")
                            .projectionExpression(PROJECTION).expressionAttributeNames(NAMES)
                            .expressionAttributeValues(Map.of(":account", AttributeValue.fromS(account), ":sk", AttributeValue.fromS(sortKey),
                                    ":pk", AttributeValue.fromS(partition))))
                    .items().forEach(entries::add);
            return entries;
        }
    }

    // ---- repairs: each conditioned on the item as read ----

    /** ACTIVE without its bus: PENDING again, with a fresh expiry; a bus of another account is not the source's, and goes. */
    private String pendingAgain(Map<String, AttributeValue> item) {
        long expiresAt = clock.instant().plus(sourceExpiration).toEpochMilli();
        Conditional update = asRead(item);
        String set = "SET " + update.name(STATE) + " = :pending, " + update.name(EXPIRES_AT) + " = :expiresAt, "
                + update.name(EXPIRY_QUEUE) + " = :queue";
        String remove = item.containsKey(BUS_ACCOUNT) || item.containsKey(BUS_CREATED_AT) || item.containsKey(RegistryTable.DELIVER_TO)
                || item.containsKey(RegistryTable.BUS_DESCRIPTION)
                ? " REMOVE " + update.name(BUS_ACCOUNT) + ", " + update.name(BUS_CREATED_AT) + ", " + update.name(RegistryTable.DELIVER_TO)
                + ", " + update.name(RegistryTable.BUS_DESCRIPTION) : "";
        update.values.put(":pending", AttributeValue.fromS(PENDING));
        update.values.put(":expiresAt", AttributeValue.fromN(Long.toString(expiresAt)));
        update.values.put(":queue", AttributeValue.fromS(EXPIRY_QUEUE_VALUE));
        update(item, set + remove, update);
        return "PENDING, expiresAt " + Instant.ofEpochMilli(expiresAt);
    }

    /** PENDING without its expiry: expiryQueue set, and expiresAt set to a fresh expiry if it had none. */
    private String expiryRestored(Map<String, AttributeValue> item, Long expiresAt) {
        Conditional update = asRead(item);
        long expiry = expiresAt != null ? expiresAt : clock.instant().plus(sourceExpiration).toEpochMilli();
        update.values.put(":expiresAt", AttributeValue.fromN(Long.toString(expiry)));
        update.values.put(":queue", AttributeValue.fromS(EXPIRY_QUEUE_VALUE));
        update(item, "SET " + update.name(EXPIRES_AT) + " = :expiresAt, " + update.name(EXPIRY_QUEUE) + " = :queue", update);
        return "expiresAt " + Instant.ofEpochMilli(expiry) + ", expiryQueue " + EXPIRY_QUEUE_VALUE;
    }

    private String expiryRemoved(Map<String, AttributeValue> item) {
        Conditional update = asRead(item);
        update(item, "REMOVE " + update.name(EXPIRES_AT) + ", " + update.name(EXPIRY_QUEUE), update);
        return "expiresAt and expiryQueue removed";
    }

    private String deleteAsRead(Map<String, AttributeValue> item) {
        Conditional condition = asRead(item);
        try {
            dynamoDb.deleteItem(r -> r.tableName(tableName).key(keyOf(item)).conditionExpression(condition.expression())
                    .expressionAttributeNames(condition.names).expressionAttributeValues(condition.values));
        } catch (ConditionalCheckFailedException e) {
            throw new Lost();
        }
        return "deleted";
    }

    /**
     * Invariant 5's repair is the expiry sweep's own ({@link ExpiredSourceSweep#expire}): it reads the
     * source again, and if it is still expired deletes it, or makes it DELETED if its customer's bus
     * remains (a deactivated source), in one transaction with the partner's counter decremented
     * (countChanges bumped), on condition that the source is still as it read it.
     */
    private String sweep(String partner, Map<String, AttributeValue> item) {
        boolean keep = account(item).equals(string(item, BUS_ACCOUNT));
        if (!new ExpiredSourceSweep(dynamoDb, tableName).expire(keyOf(item), clock.instant())) {
            throw new Lost();
        }
        return (keep ? "DELETED (its bus remains)" : "deleted") + ", and counted out of " + RegistryTable.COUNTER_PARTITION_PREFIX + partner;
    }

    /** The key named in the principal's list(s), if the key is still as read. */
    private String addToList(KeyItem key) {
        boolean active = key.active();
        Map<String, String> names = new HashMap<>(Map.of("#keys", ACCESS_KEYS, "#principal", KEY_PRINCIPAL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":id", AttributeValue.fromSs(List.of(key.id())),
                ":principal", AttributeValue.fromS(key.principal())));
        String update = "SET #principal = :principal ADD #keys :id";
        String condition = null;
        if (active) {
            names.put("#active", ACTIVE_KEYS);
            values.put(":max", AttributeValue.fromN(Integer.toString(IssuedAccessKeys.MAX_ACTIVE_KEYS)));
            update += ", #active :id";
            // Already counted among the active ones, or room for one more: as issue-key and activate-key insist.
            condition = "attribute_not_exists(#active) OR contains(#active, :idString) OR size(#active) < :max";
            values.put(":idString", AttributeValue.fromS(key.id()));
        }
        String finalCondition = condition;
        String finalUpdate = update;
        transact(List.of(keyAsRead(key.id(), key),
                TransactWriteItem.builder().update(u -> u.tableName(tableName).key(RegistryTable.principalKeysKey(key.principal()))
                        .updateExpression(finalUpdate).conditionExpression(finalCondition)
                        .expressionAttributeNames(names).expressionAttributeValues(values)).build()));
        return "added to " + (active ? ACCESS_KEYS + " and " + ACTIVE_KEYS : ACCESS_KEYS);
    }

    /** The key taken out of the principal's list(s) it should not be in, if the key is still as read. */
    private String removeFromList(String principal, String id, KeyItem key) {
        boolean wholly = key == null || !principal.equals(key.principal());
        String update = wholly ? "DELETE #keys :id, #active :id" : "DELETE #active :id";
        Map<String, String> names = new HashMap<>(Map.of("#active", ACTIVE_KEYS));
        if (wholly) {
            names.put("#keys", ACCESS_KEYS);
        }
        transact(List.of(keyAsRead(id, key),
                TransactWriteItem.builder().update(u -> u.tableName(tableName).key(RegistryTable.principalKeysKey(principal))
                        .updateExpression(update).expressionAttributeNames(names)
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(id))))).build()));
        return "removed from " + (wholly ? ACCESS_KEYS + " and " + ACTIVE_KEYS : ACTIVE_KEYS);
    }

    /** A condition check that the key item is as read: gone, or with the principal and status read. */
    private TransactWriteItem keyAsRead(String id, KeyItem key) {
        if (key == null) {
            return TransactWriteItem.builder().conditionCheck(c -> c.tableName(tableName).key(RegistryTable.accessKeyKey(id))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", PARTITION_KEY))).build();
        }
        Map<String, AttributeValue> values = new HashMap<>();
        String principalIs = "#principal = :principal";
        String statusIs = key.status() == null ? "attribute_not_exists(#status)" : "#status = :status";
        values.put(":principal", AttributeValue.fromS(key.principal()));
        if (key.status() != null) {
            values.put(":status", AttributeValue.fromS(key.status()));
        }
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(tableName).key(RegistryTable.accessKeyKey(id))
                .conditionExpression(principalIs + " AND " + statusIs)
                .expressionAttributeNames(Map.of("#principal", KEY_PRINCIPAL, "#status", KEY_STATUS))
                .expressionAttributeValues(values)).build();
    }

    private void transact(List<TransactWriteItem> items) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(items).clientRequestToken(UUID.randomUUID().toString()));
        } catch (TransactionCanceledException e) {
            if (conditionFailed(e)) {
                throw new Lost();
            }
            throw e;
        }
    }

    private static boolean conditionFailed(TransactionCanceledException e) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
    }

    private void update(Map<String, AttributeValue> item, String expression, Conditional condition) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tableName).key(keyOf(item)).updateExpression(expression)
                    .conditionExpression(condition.expression())
                    .expressionAttributeNames(condition.names).expressionAttributeValues(condition.values));
        } catch (ConditionalCheckFailedException e) {
            throw new Lost();
        }
    }

    /**
     * A condition that the item is still as read: every attribute it had has the value read, and
     * every lifecycle attribute it lacked is still absent. Names are {@code #a<i>}, values {@code :a<i>};
     * the repair adds its own values.
     */
    private static Conditional asRead(Map<String, AttributeValue> item) {
        Conditional condition = new Conditional();
        List<String> clauses = new ArrayList<>();
        clauses.add("attribute_exists(" + condition.name(PARTITION_KEY) + ")");
        for (Map.Entry<String, AttributeValue> attribute : new TreeMap<>(item).entrySet()) {
            if (attribute.getKey().equals(PARTITION_KEY) || attribute.getKey().equals(SORT_KEY)) {
                continue;
            }
            String value = ":a" + condition.values.size();
            condition.values.put(value, attribute.getValue());
            clauses.add(condition.name(attribute.getKey()) + " = " + value);
        }
        for (String lifecycle : LIFECYCLE_ATTRIBUTES) {
            if (!item.containsKey(lifecycle)) {
                clauses.add("attribute_not_exists(" + condition.name(lifecycle) + ")");
            }
        }
        condition.clauses = String.join(" AND ", clauses);
        return condition;
    }

    private static final class Conditional {
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, AttributeValue> values = new LinkedHashMap<>();
        String clauses;

        /** The placeholder of {@code attribute}, made on first use. */
        String name(String attribute) {
            for (Map.Entry<String, String> name : names.entrySet()) {
                if (name.getValue().equals(attribute)) {
                    return name.getKey();
                }
            }
            String placeholder = "#a" + names.size();
            names.put(placeholder, attribute);
            return placeholder;
        }

        String expression() {
            return clauses;
        }
    }

    // ---- small helpers ----

    private static String account(Map<String, AttributeValue> item) {
        return string(item, ACCOUNT);
    }

    /** A duration as SOURCE_EXPIRATION_DAYS gives it: whole days, or for a trial's fraction of one, seconds (or milliseconds). */
    static String span(Duration duration) {
        long millis = duration.toMillis();
        return millis % 86_400_000 == 0 ? plural(duration.toDays(), "day")
                : millis % 1000 == 0 ? plural(duration.toSeconds(), "second") : plural(millis, "millisecond");
    }

    private static String plural(long count, String one) {
        return plural(count, one, one + "s");
    }

    private static String plural(long count, String one, String many) {
        return count + " " + (count == 1 ? one : many);
    }

    /** The partner a source name belongs to ({@code aws.partner/<partner>/...}), or null if it does not read as one. */
    static String namePartner(String name) {
        if (!name.startsWith(NAME_PREFIX)) {
            return null;
        }
        int end = name.indexOf('/', NAME_PREFIX.length());
        return end <= NAME_PREFIX.length() ? null : name.substring(NAME_PREFIX.length(), end);
    }

    /** An index entry's identity, summed per partition: equal sums of equal counts mean the same entries (to 2^-64). */
    private static long fingerprint(String pk, String sk, String account, String state) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((pk + '\u0000' + sk + '\u0000' + account + '\u0000' + state).getBytes(StandardCharsets.UTF_8));
            long print = 0;
            for (int i = 0; i < 8; i++) {
                print = (print << 8) | (digest[i] & 0xff);
            }
            return print;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        return Map.of(PARTITION_KEY, item.get(PARTITION_KEY), SORT_KEY, item.get(SORT_KEY));
    }

    private static String pk(Map<String, AttributeValue> key) {
        return key.get(PARTITION_KEY).s();
    }

    private static String sk(Map<String, AttributeValue> key) {
        return key.get(SORT_KEY).s();
    }

    private static AttributeValue attribute(Map<String, AttributeValue> item, String name) {
        return item == null ? null : item.get(name);
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item == null ? null : item.get(name);
        return value == null ? null : value.s();
    }

    private static Set<String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || !value.hasSs() ? Set.of() : new TreeSet<>(value.ss());
    }

    private static long number(Map<String, AttributeValue> item, String name, long fallback) {
        Long value = epochMillis(item.get(name));
        return value == null ? fallback : value;
    }

    private static Long epochMillis(AttributeValue value) {
        if (value == null || value.n() == null) {
            return null;
        }
        try {
            return Long.parseLong(value.n());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
