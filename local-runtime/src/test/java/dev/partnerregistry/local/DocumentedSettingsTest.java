package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.RegistrySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every variable the settings builder reads is a row of the README's settings table, so none is undocumented. */
class DocumentedSettingsTest {

    @Test
    void everyVariableTheRegistryReadsIsInTheReadmesSettingsTable() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("project.root"), "README.md"));
        for (RegistrySettings.Variable variable : RegistrySettings.Variable.values()) {
            assertTrue(readme.contains("| `" + variable.name() + "`") || readme.contains(", `" + variable.name() + "` |"),
                    variable + " has no row in the README's settings table");
        }
        for (String local : new String[] {"PORT", LocalConfig.PRINCIPALS_FILE_VARIABLE, LocalConfig.PARTNERS_FILE_VARIABLE}) {
            assertTrue(readme.contains("| `" + local + "`"), local + " has no row in the README's settings table");
        }
    }
}
