package dev.partnerregistry.auth;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request's headers by lower-case name, read from the map API Gateway passes in one pass that
 * lower-cases each name once, then looked up by lower-case name without lower-casing again. Names
 * that differ only in case are one header, their values in the order met. It reads either of the
 * proxy event's maps as it is, without copying each value into a list of its own.
 *
 * <p>As a {@code Map}, each header's values: from the single-value map, a null value reads as the empty
 * string (as the signature covers it); from the multi-value map, a name whose list is null is absent.
 */
public final class RequestHeaders extends AbstractMap<String, List<String>> {

    public static final RequestHeaders EMPTY = new RequestHeaders(0, true);

    /**
     * Lower-case name → from the single-value map a String (possibly null), from the multi-value map the event's List;
     * a {@link Merged} list of every value where names differing in case were met. In the order first met.
     */
    private final Map<String, Object> byName;
    private final boolean singleValued;

    private RequestHeaders(int capacity, boolean singleValued) {
        this.byName = new LinkedHashMap<>(Math.max(2, capacity * 2));
        this.singleValued = singleValued;
    }

    /** API Gateway's {@code headers}: one value per name (null is taken for an empty map). */
    public static RequestHeaders fromSingleValue(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return EMPTY;
        }
        RequestHeaders table = new RequestHeaders(headers.size(), true);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null) {
                table.add(header.getKey().toLowerCase(Locale.ROOT), header.getValue());
            }
        }
        return table;
    }

    /** API Gateway's {@code multiValueHeaders}, or any map of a header to its values (null is taken for an empty map). */
    public static RequestHeaders fromMultiValue(Map<String, List<String>> headers) {
        if (headers instanceof RequestHeaders table) {
            return table;
        }
        if (headers == null || headers.isEmpty()) {
            return EMPTY;
        }
        RequestHeaders table = new RequestHeaders(headers.size(), false);
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey() != null && header.getValue() != null) {
                table.add(header.getKey().toLowerCase(Locale.ROOT), header.getValue());
            }
        }
        return table;
    }

    private void add(String name, Object value) {
        if (byName.containsKey(name)) {
            byName.put(name, merged(byName.get(name), value));
        } else {
            byName.put(name, value);
        }
    }

    /** The values of names met in more than one case: the table's own list, never one of the event's, which stay as given. */
    private static final class Merged extends ArrayList<String> {
    }

    @SuppressWarnings("unchecked")
    private Object merged(Object before, Object value) {
        List<String> all;
        if (before instanceof Merged list) {
            all = list;
        } else {
            all = new Merged();
            if (singleValued) {
                all.add((String) before);
            } else {
                all.addAll((List<String>) before);
            }
        }
        if (singleValued) {
            all.add((String) value);
        } else {
            all.addAll((List<String>) value);
        }
        return all;
    }

    /**
     * The header's first value as the event has it, or null if there is none: from the single-value map
     * possibly null; from the multi-value map the first of its values (a name with an empty list has none).
     */
    public String first(String lowerCaseName) {
        return rawValue(byName.get(lowerCaseName), 0);
    }

    /** How many values the header {@code lowerCaseName} has (none if absent). */
    int valueCount(String lowerCaseName) {
        return valueCount(lowerCaseName, byName.get(lowerCaseName));
    }

    private int valueCount(String lowerCaseName, Object value) {
        if (value instanceof List<?> list) {
            return list.size();
        }
        return value != null || byName.containsKey(lowerCaseName) ? 1 : 0;
    }

    /** The header's {@code i}th value as the signature covers it: never null. */
    String value(String lowerCaseName, int i) {
        String value = rawValue(byName.get(lowerCaseName), i);
        return value == null ? "" : value;
    }

    private static String rawValue(Object value, int i) {
        if (value instanceof List<?> list) {
            return list.size() > i ? (String) list.get(i) : null;
        }
        return (String) value;
    }

    @Override
    public boolean containsKey(Object name) {
        return byName.containsKey(name);
    }

    @Override
    public List<String> get(Object name) {
        return name instanceof String text && byName.containsKey(text) ? list(text, byName.get(text)) : null;
    }

    /** The header's values as the Map has them (see the class comment), or null if it has none. */
    String firstListed(String lowerCaseName) {
        Object value = byName.get(lowerCaseName);
        return valueCount(lowerCaseName, value) == 0 ? null : listed(value, 0);
    }

    private String listed(Object value, int i) {
        String raw = rawValue(value, i);
        return singleValued && raw == null ? "" : raw;
    }

    private List<String> list(String name, Object value) {
        int count = valueCount(name, value);
        List<String> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(listed(value, i));
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public int size() {
        return byName.size();
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        Set<Entry<String, List<String>>> entries = new java.util.LinkedHashSet<>();
        byName.forEach((name, value) -> entries.add(new SimpleImmutableEntry<>(name, list(name, value))));
        return Collections.unmodifiableSet(entries);
    }
}
