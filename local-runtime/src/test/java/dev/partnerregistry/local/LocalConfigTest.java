package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.local.LocalConfig.LocalPrincipal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local credentials and partner files: the demo callers, overrides by environment, and errors that name the line. */
class LocalConfigTest {

    @TempDir
    Path dir;

    @Test
    void theDemoFilesGiveTwoPartnersEachRegisteredForItsOwnPartnerAndACustomerInEachAccount() {
        LocalConfig config = LocalConfig.load(Map.of(), projectRoot());

        assertEquals(Map.of(
                "AKIAEXAMPLEPARTNER", new LocalPrincipal("arn:aws:iam::123456789012:user/example-partner", "example-partner-secret"),
                "AKIAOTHERPARTNER", new LocalPrincipal("arn:aws:iam::210987654321:user/other-partner", "other-partner-secret"),
                "AKIAEXAMPLECUSTOMER", new LocalPrincipal("arn:aws:iam::123456789012:user/example-customer", "example-customer-secret"),
                "AKIAOTHERCUSTOMER", new LocalPrincipal("arn:aws:iam::210987654321:user/other-customer", "other-customer-secret")),
                config.principals());
        assertEquals(Map.of(
                "example.com", List.of("arn:aws:iam::123456789012:user/example-partner"),
                "other.example", List.of("arn:aws:iam::210987654321:user/other-partner")),
                config.partners());
        assertEquals(Map.of("123456789012", List.of("arn:aws:iam::123456789012:user/example-customer"),
                        "210987654321", List.of("arn:aws:iam::210987654321:user/other-customer")), config.customers(),
                "each demo customer is granted its own account; the partners' principals in those accounts are not");
    }

    @Test
    void environmentVariablesPointAtOtherFiles() throws IOException {
        Files.writeString(dir.resolve("p.properties"), "# comment\n\nAKIAROLECALLER0001 = arn:aws:sts::111122223333:assumed-role/Partner/s1 role-secret\n");
        Files.writeString(dir.resolve("q.properties"), "acme.io = arn:aws:iam::111122223333:role/Partner , arn:aws:iam::111122223333:user/ops\n");
        Files.writeString(dir.resolve("c.properties"), "111122223333 = arn:aws:iam::111122223333:role/Subscriber\n");

        LocalConfig config = LocalConfig.load(Map.of("LOCAL_PRINCIPALS_FILE", "p.properties", "LOCAL_PARTNERS_FILE", "q.properties",
                "LOCAL_CUSTOMERS_FILE", "c.properties"), dir);

        assertEquals(Map.of("AKIAROLECALLER0001", new LocalPrincipal("arn:aws:sts::111122223333:assumed-role/Partner/s1", "role-secret")),
                config.principals());
        assertEquals(List.of("arn:aws:iam::111122223333:role/Partner", "arn:aws:iam::111122223333:user/ops"), config.partners().get("acme.io"));
        assertEquals(Map.of("111122223333", List.of("arn:aws:iam::111122223333:role/Subscriber")), config.customers());
    }

    @Test
    void aCustomerLineMustNameAnAccount() throws IOException {
        Path file = Files.writeString(dir.resolve("c.properties"), "example.com = arn:aws:iam::111122223333:role/Subscriber\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalConfig.readCustomers(file));
        assertEquals(file + ":1: 'example.com' is not a 12-digit account id", e.getMessage());
    }

    @Test
    void aMalformedLineIsReportedWithFileAndLineNumber() throws IOException {
        Path file = Files.writeString(dir.resolve("p.properties"), "AKIAEXAMPLEPARTNER = arn:aws:iam::1:user/a s\nAKIAOTHER = not-an-arn\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalConfig.readPrincipals(file));
        assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
    }

    @Test
    void aKeyWithoutASecretIsRefusedSinceEverySignatureIsVerified() throws IOException {
        Path file = Files.writeString(dir.resolve("p.properties"), "AKIAROLECALLER0001 = arn:aws:iam::111122223333:role/Partner\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalConfig.readPrincipals(file));
        assertTrue(e.getMessage().endsWith("(every key has a secret: the registry verifies each signature)"), e.getMessage());
    }

    @Test
    void aMissingFileSaysWhereItLooked() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> LocalConfig.load(Map.of(), dir));
        assertTrue(e.getMessage().contains("local/principals.properties"), e.getMessage());
    }

    private static Path projectRoot() {
        String root = System.getProperty("project.root");
        assertNotNull(root, "surefire sets project.root to the repository root");
        return Path.of(root).toAbsolutePath().normalize();
    }
}
