package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PutPartnerEvents over the port's in-memory contract: results in request order, one per entry;
 * an ACTIVE source with a bus to deliver to queues its event, a PENDING one accepts and drops it, a
 * DELETED, unknown or expired one fails the entry; entries fail on their own with PutEvents' codes.
 */
class PartnerEventsTest {

    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    static final Caller PARTNER = new Caller("arn:aws:iam::123456789012:role/Partner");
    static final String ACTIVE = "aws.partner/events.example/orders/active";
    static final String PENDING = "aws.partner/events.example/orders/pending";
    static final String DELETED = "aws.partner/events.example/orders/deleted";
    static final String EXPIRED = "aws.partner/events.example/orders/expired";
    static final String BUS = "arn:aws:events:us-east-1:123456789012:event-bus/orders";

    private final InMemoryPartnerSourceStore store = new InMemoryPartnerSourceStore();
    private final List<QueuedEvent> queued = new ArrayList<>();
    private boolean queueUp = true;
    private final PartnerEvents events = new PartnerEvents(store, batch -> {
        if (!queueUp) {
            return Collections.nCopies(batch.size(), false);
        }
        queued.addAll(batch);
        return Collections.nCopies(batch.size(), true);
    }, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));

    PartnerEventsTest() {
        store.register("events.example", PARTNER);
        store.put(new PartnerEventSource(ACTIVE, "123456789012", NOW, SourceState.ACTIVE, null, "123456789012", NOW, BUS, null));
        store.put(PartnerEventSource.created(PENDING, "123456789012", NOW, NOW.plusSeconds(60)));
        store.put(new PartnerEventSource(DELETED, "123456789012", NOW, SourceState.DELETED, null, "123456789012", NOW, BUS, null));
        store.put(PartnerEventSource.created(EXPIRED, "123456789012", NOW.minusSeconds(120), NOW.minusSeconds(60)));
    }

    private static PartnerEvents.Entry entry(String source) {
        return new PartnerEvents.Entry(null, source, List.of("arn:aws:shop:::order/42"), "Order Placed", "{\"orderId\":42}");
    }

    private static void assertFailed(PartnerEvents.Outcome outcome, String code, String message) {
        assertNull(outcome.eventId());
        assertEquals(code, outcome.errorCode());
        assertEquals(message, outcome.errorMessage());
    }

    @Test
    void anActiveSourcesEventIsQueuedForItsCustomersBusWithItsEventId() {
        PartnerEvents.Result result = events.putPartnerEvents(List.of(entry(ACTIVE)), PARTNER);

        assertEquals(0, result.failed());
        assertEquals(1, result.queued());
        QueuedEvent event = queued.get(0);
        assertEquals(result.entries().get(0).eventId(), event.eventId());
        assertEquals(BUS, event.deliverTo());
        assertEquals("events.example", event.partner());
        assertEquals(NOW, event.time(), "no Time: the time of the call, as PutEvents does");
        assertEquals(List.of("arn:aws:shop:::order/42"), event.resources());
    }

    @Test
    void aPendingSourcesEventIsAcceptedAndDroppedAsEventBridgeDoes() {
        PartnerEvents.Result result = events.putPartnerEvents(List.of(entry(PENDING)), PARTNER);

        assertNotNull(result.entries().get(0).eventId());
        assertEquals(1, result.dropped());
        assertEquals(List.of(), queued);
    }

    @Test
    void aDeletedUnknownOrExpiredSourceFailsItsEntry() {
        PartnerEvents.Result result = events.putPartnerEvents(List.of(entry(DELETED), entry("aws.partner/events.example/no/such"),
                entry(EXPIRED)), PARTNER);

        assertEquals(3, result.failed());
        assertFailed(result.entries().get(0), "InvalidArgument", "Event source " + DELETED + " does not exist.");
        assertFailed(result.entries().get(2), "InvalidArgument", "Event source " + EXPIRED + " does not exist.");
    }

    @Test
    void anotherPartnersSourceFailsItsEntryWithAccessDeniedAndNothingMore() {
        PartnerEvents.Result result = events.putPartnerEvents(List.of(entry("aws.partner/other.example/orders/x")), PARTNER);

        assertFailed(result.entries().get(0), "AccessDeniedException", "User: arn:aws:iam::123456789012:role/Partner is not authorized to "
                + "perform: events:PutPartnerEvents on resource: arn:aws:events:us-east-1::event-source/aws.partner/other.example/orders/x");
    }

    @Test
    void entriesFailOnTheirOwnAndResultsKeepTheRequestsOrder() {
        PartnerEvents.Result result = events.putPartnerEvents(List.of(
                entry(ACTIVE),
                new PartnerEvents.Entry(null, ACTIVE, null, null, "{}"),
                new PartnerEvents.Entry(null, ACTIVE, null, "Order Placed", "[1, 2]"),
                new PartnerEvents.Entry(null, ACTIVE, null, "t".repeat(129), "{}"),
                entry(PENDING)), PARTNER);

        assertNotNull(result.entries().get(0).eventId());
        assertFailed(result.entries().get(1), "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        assertFailed(result.entries().get(2), "MalformedDetail", "Detail is malformed.");
        assertFailed(result.entries().get(3), "InvalidArgument",
                "Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters.");
        assertNotNull(result.entries().get(4).eventId());
        assertEquals(3, result.failed());
    }

    @Test
    void anEntryThatCouldNotBeQueuedFailsWithARetryableInternalFailure() {
        queueUp = false;

        PartnerEvents.Result result = events.putPartnerEvents(List.of(entry(ACTIVE), entry(PENDING)), PARTNER);

        assertFailed(result.entries().get(0), "InternalFailure", "Internal Service Failure");
        assertNotNull(result.entries().get(1).eventId());
    }

    @Test
    void noCompleteEntryAtAllFailsTheWholeRequest() {
        RegistryException e = assertThrows(RegistryException.Validation.class,
                () -> events.putPartnerEvents(List.of(new PartnerEvents.Entry(null, ACTIVE, null, null, null)), PARTNER));
        assertEquals("Parameter Entries is not valid. Reason: no entry has Source, DetailType and Detail.", e.getMessage());
    }

    @Test
    void moreThanTwentyEntriesOrNoneIsAValidationError() {
        assertEquals("1 validation error detected: Value '[21 entries]' at 'entries' failed to satisfy constraint: Member must have length "
                + "less than or equal to 20", assertThrows(RegistryException.Validation.class,
                () -> events.putPartnerEvents(Collections.nCopies(21, entry(ACTIVE)), PARTNER)).getMessage());
        assertEquals("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
                assertThrows(RegistryException.Validation.class, () -> events.putPartnerEvents(null, PARTNER)).getMessage());
    }

    @Test
    void aSourceNameOutsideThePatternIsAValidationErrorAtItsMember() {
        assertEquals("1 validation error detected: Value 'orders' at 'entries.2.member.source' failed to satisfy constraint: Member must "
                + "satisfy regular expression pattern: aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}", assertThrows(RegistryException.Validation.class,
                () -> events.putPartnerEvents(List.of(entry(ACTIVE), entry("orders")), PARTNER)).getMessage());
    }

    @Test
    void entriesOverTheSizeLimitAreRefusedAsAWhole() {
        String detail = "{\"x\":\"" + "a".repeat(PartnerEvents.MAX_ENTRIES_BYTES) + "\"}";
        assertEquals("Total size of the entries in the request is over the limit.", assertThrows(RegistryException.Validation.class,
                () -> events.putPartnerEvents(List.of(new PartnerEvents.Entry(null, ACTIVE, null, "t", detail)), PARTNER)).getMessage());
    }

    @Test
    void theEntrySizeIsCountedAsAwsCountsIt() {
        assertEquals(14 + ACTIVE.length() + "Order Placed".length() + "{\"orderId\":42}".length() + "arn:aws:shop:::order/42".length(),
                PartnerEvents.sizeOf(new PartnerEvents.Entry(NOW, ACTIVE, List.of("arn:aws:shop:::order/42"), "Order Placed", "{\"orderId\":42}")));
    }

    @Test
    void hostileDetailsFailTheirOwnEntriesWithMalformedDetailAndTheGoodOneIsQueued() {
        List<String> hostile = List.of("{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"a\":1 /* c */}", "{\"a\":\"\\ud800\"}",
                "{\"a\":\"\ud800\"}", "{\"n\":9223372036854775808}", "{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}");
        List<PartnerEvents.Entry> entries = new ArrayList<>();
        hostile.forEach(detail -> entries.add(new PartnerEvents.Entry(null, ACTIVE, null, "Order Placed", detail)));
        entries.add(entry(ACTIVE));
        PartnerEvents.Result result = events.putPartnerEvents(entries, PARTNER);
        for (int i = 0; i < hostile.size(); i++) {
            assertFailed(result.entries().get(i), "MalformedDetail", "Detail is malformed.");
        }
        assertNotNull(result.entries().get(hostile.size()).eventId());
        assertEquals(1, result.queued());
        assertEquals(1, queued.size());
    }

    @Test
    void aTimePutEventsWouldNotTakeFailsItsEntryWithInvalidArgument() {
        for (Instant time : List.of(Instant.ofEpochSecond(-1_000_000_000_000L), Instant.parse("+10000-01-01T00:00:00Z"))) {
            PartnerEvents.Result result = events.putPartnerEvents(List.of(
                    new PartnerEvents.Entry(time, ACTIVE, null, "Order Placed", "{}")), PARTNER);
            assertFailed(result.entries().get(0), "InvalidArgument",
                    "Parameter Time is not valid. Reason: Time must be between year 0000 and year 9999.");
        }
        assertEquals(0, queued.size());
        assertNotNull(events.putPartnerEvents(List.of(new PartnerEvents.Entry(PartnerEvents.EARLIEST_TIME, ACTIVE, null, "t", "{}"),
                new PartnerEvents.Entry(PartnerEvents.LATEST_TIME, ACTIVE, null, "t", "{}")), PARTNER).entries().get(1).eventId());
    }

    @Test
    void aNullResourceFailsItsEntryWithInvalidArgument() {
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        PartnerEvents.Result result = events.putPartnerEvents(List.of(new PartnerEvents.Entry(null, ACTIVE, withNull, "t", "{}"),
                entry(ACTIVE)), PARTNER);
        assertFailed(result.entries().get(0), "InvalidArgument", "Parameter Resources is not valid. Reason: Resources must not contain null.");
        assertEquals(1, result.queued());
    }

    @Test
    void anEntryTooLargeOnceTheForwarderAddsItsSourceAndResourcesFailsWithInvalidArgument() {
        PartnerEvents.Entry probe = new PartnerEvents.Entry(null, ACTIVE, null, "t", "{\"x\":\"\"}");
        String sourceArn = "arn:aws:events:us-east-1::event-source/" + ACTIVE;
        long added = PartnerEvents.deliveredSizeOf(probe, PartnerEvents.sizeOf(probe), "events.example", sourceArn) - PartnerEvents.sizeOf(probe);
        assertEquals(14 + "partner-registry.events.example".length() - ACTIVE.length() + sourceArn.length()
                + "partner-registry:event-id/".length() + 36, added);
        // Within the request's limit as sent, one byte over PutEvents' once delivered.
        int padding = (int) (PartnerEvents.MAX_ENTRIES_BYTES - PartnerEvents.sizeOf(probe) - added + 1);
        PartnerEvents.Entry large = new PartnerEvents.Entry(null, ACTIVE, null, "t", "{\"x\":\"" + "a".repeat(padding) + "\"}");
        PartnerEvents.Result result = events.putPartnerEvents(List.of(large), PARTNER);
        assertFailed(result.entries().get(0), "InvalidArgument", "Parameter Entries is not valid. Reason: the entry is 262145 bytes once "
                + "delivered (source and two resources added), over the 262144 bytes PutEvents takes.");
        PartnerEvents.Entry fits = new PartnerEvents.Entry(null, ACTIVE, null, "t", "{\"x\":\"" + "a".repeat(padding - 1) + "\"}");
        assertNotNull(events.putPartnerEvents(List.of(fits), PARTNER).entries().get(0).eventId());
    }

    @Test
    void aResourceTheRegistryReservesFailsItsEntryWithInvalidArgument() {
        for (String forged : List.of("partner-registry:event-id/6f1c0000-0000-0000-0000-000000000000", "partner-registry:anything",
                "arn:aws:events:us-east-1::event-source/aws.partner/other.example/orders/theirs",
                "arn:aws-cn:events:cn-north-1::event-source/aws.partner/events.example/orders/active")) {
            PartnerEvents.Result result = events.putPartnerEvents(List.of(
                    new PartnerEvents.Entry(null, ACTIVE, List.of("arn:aws:shop:::order/42", forged), "t", "{}"), entry(ACTIVE)), PARTNER);
            assertFailed(result.entries().get(0), "InvalidArgument", "Parameter Resources is not valid. Reason: resources starting with "
                    + "partner-registry: and event source ARNs are set by the registry.");
            assertNotNull(result.entries().get(1).eventId(), forged);
        }
        assertEquals(4, queued.size(), "only the good entries");
    }

    @Test
    void resourcesThatMerelyResembleReservedOnesAreThePartners() {
        List<String> own = List.of("arn:aws:events:us-east-1:123456789012:event-bus/orders", "partner-registry", "x:partner-registry:y",
                "arn:aws:events:us-east-1:123456789012:rule/event-source");
        assertNotNull(events.putPartnerEvents(List.of(new PartnerEvents.Entry(null, ACTIVE, own, "t", "{}")), PARTNER).entries().get(0).eventId());
        assertEquals(own, queued.get(0).partnerResources());
    }

    @Test
    void theTimesPutEventsTakesAreYears0000To9999() {
        assertEquals(java.time.Instant.parse("0000-01-01T00:00:00Z"), PartnerEvents.EARLIEST_TIME);
        assertEquals(java.time.Instant.parse("9999-12-31T23:59:59.999Z"), PartnerEvents.LATEST_TIME);
    }

    @Test
    void utf8LengthCountsEachCharacterAsItsUtf8BytesAndALoneSurrogateAsOne() {
        assertEquals(0, PartnerEvents.utf8(null));
        assertEquals(0, PartnerEvents.utf8(""));
        assertEquals(1 + 2 + 2 + 3 + 3 + 4, PartnerEvents.utf8("a\u00e9\u07ff\u0800\uffff\uD83D\uDE00"));
        assertEquals(1 + 1 + 1, PartnerEvents.utf8("\uD800x\uDFFF"));
    }

}
