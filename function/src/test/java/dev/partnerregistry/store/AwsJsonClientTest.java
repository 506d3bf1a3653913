package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** An answer is read whole up to a bound, and one past it is an I/O failure, not the function's memory filled. */
class AwsJsonClientTest {

    @Test
    void anAnswerOfTheBoundIsReadWhole() throws IOException {
        byte[] answer = new byte[64];
        answer[63] = 7;
        assertArrayEquals(answer, AwsJsonClient.readAtMost(new ByteArrayInputStream(answer), 64));
    }

    @Test
    void anAnswerPastTheBoundIsAnIoFailure() {
        IOException e = assertThrows(IOException.class, () -> AwsJsonClient.readAtMost(new ByteArrayInputStream(new byte[65]), 64));
        assertEquals("an answer of more than 64 bytes", e.getMessage());
    }

    @Test
    void theBoundIsAboveTheLargestAnswerDynamoDbSends() {
        assertEquals(32 * 1024 * 1024, AwsJsonClient.MAX_ANSWER_BYTES, "BatchGetItem answers up to 16 MB");
    }
}
