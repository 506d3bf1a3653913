package dev.partnerregistry.auth;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
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

    /** Lower-case names, in the order first met. */
    private final String[] names;
    /**
     * Per name: from the single-value map a String (possibly null), from the multi-value map the event's
     * List; an ArrayList of every value where names differing in case were met.
     */
    private final Object[] values;
    /** Open addressing over {@link #names}: index + 1, 0 for an empty slot. */
    private final int[] slots;
    private final boolean singleValued;
    private int size;

    private RequestHeaders(int capacity, boolean singleValued) {
        this.names = new String[capacity];
        this.values = new Object[capacity];
        this.slots = new int[Math.max(2, Integer.highestOneBit(Math.max(1, capacity) * 2 - 1) * 2)];
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
        int hash = spread(name.hashCode());
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int index = slots[slot] - 1;
            if (index < 0) {
                slots[slot] = size + 1;
                names[size] = name;
                values[size++] = value;
                return;
            }
            if (names[index].equals(name)) {
                values[index] = merged(values[index], value);
                return;
            }
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

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /** Where {@code lowerCaseName} is, or -1. */
    int indexOf(String lowerCaseName) {
        int mask = slots.length - 1;
        for (int slot = spread(lowerCaseName.hashCode()) & mask; ; slot = (slot + 1) & mask) {
            int index = slots[slot] - 1;
            if (index < 0 || names[index].equals(lowerCaseName)) {
                return index;
            }
        }
    }

    /**
     * The header's first value as the event has it, or null if there is none: from the single-value map
     * possibly null; from the multi-value map the first of its values (a name with an empty list has none).
     */
    public String first(String lowerCaseName) {
        int index = indexOf(lowerCaseName);
        return index < 0 ? null : rawValue(index, 0);
    }

    /** How many values the header at {@code index} has. */
    int valueCount(int index) {
        Object value = values[index];
        return value instanceof List<?> list ? list.size() : 1;
    }

    /** The header's {@code i}th value as the signature covers it: never null. */
    String value(int index, int i) {
        String value = rawValue(index, i);
        return value == null ? "" : value;
    }

    private String rawValue(int index, int i) {
        Object value = values[index];
        if (value instanceof List<?> list) {
            return list.size() > i ? (String) list.get(i) : null;
        }
        return (String) value;
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String text && indexOf(text) >= 0;
    }

    @Override
    public List<String> get(Object name) {
        int index = name instanceof String text ? indexOf(text) : -1;
        return index < 0 ? null : list(index);
    }

    /** The header's values as the Map has them (see the class comment), or null if it has none. */
    String firstListed(String lowerCaseName) {
        int index = indexOf(lowerCaseName);
        return index < 0 || valueCount(index) == 0 ? null : listed(index, 0);
    }

    private String listed(int index, int i) {
        return singleValued ? value(index, i) : rawValue(index, i);
    }

    private List<String> list(int index) {
        int count = valueCount(index);
        List<String> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(listed(index, i));
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, List<String>>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, List<String>> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int index = next++;
                        return new SimpleImmutableEntry<>(names[index], list(index));
                    }
                };
            }
        };
    }
}
