package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What make run's banner says of its settings, as a person reads it. */
class LocalRegistryTest {

    @Test
    void durationsAreInWords() {
        assertEquals("7 days", LocalRegistry.inWords(Duration.ofDays(7)));
        assertEquals("1 day", LocalRegistry.inWords(Duration.ofDays(1)));
        assertEquals("12 hours", LocalRegistry.inWords(Duration.ofHours(12)));
        assertEquals("1 minute", LocalRegistry.inWords(Duration.ofMinutes(1)));
        assertEquals("86.4 seconds", LocalRegistry.inWords(Duration.ofMillis(86_400)));
        assertEquals("90 seconds", LocalRegistry.inWords(Duration.ofSeconds(90)));
    }
}
