package dev.partnerregistry.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an event file's answer depends on, as {@code given.properties} beside it states it: the steps make invoke runs
 * before the file on a table of its own making ({@code <event file> = <step>; <step>; ...}).
 */
final class EventPreconditions {

    static final String FILE = "given.properties";

    private EventPreconditions() {
    }

    /** The steps stated for {@code eventFile}, in order; none when the file or its line is absent. */
    static List<String> of(Path eventFile) {
        Path given = eventFile.toAbsolutePath().getParent().resolve(FILE);
        if (!Files.isRegularFile(given)) {
            return List.of();
        }
        String name = eventFile.getFileName().toString();
        try {
            for (String line : Files.readAllLines(given, StandardCharsets.UTF_8)) {
                String text = line.trim();
                int equals = text.indexOf('=');
                if (text.isEmpty() || text.startsWith("#") || equals < 0 || !text.substring(0, equals).trim().equals(name)) {
                    continue;
                }
                List<String> steps = new ArrayList<>();
                for (String step : text.substring(equals + 1).split(";")) {
                    if (!step.isBlank()) {
                        steps.add(step.trim());
                    }
                }
                return steps;
            }
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + given, e);
        }
    }
}
