package dev.partnerregistry.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.partnerregistry.domain.RegistryException;
import java.math.BigDecimal;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The members of a request body, read with the types the service model gives them. A member of the
 * wrong JSON type is a SerializationException, as the AWS JSON protocol answers; JSON null is absent.
 */
final class RequestMembers {

    private final Map<String, JsonNode> members;

    private RequestMembers(Map<String, JsonNode> members) {
        this.members = members;
    }

    static RequestMembers of(JsonNode body) {
        if (!body.isObject()) {
            throw new RegistryException.Serialization(notExpected(body));
        }
        return new RequestMembers(body.asObject());
    }

    String string(String member) {
        JsonNode value = members.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isString()) {
            return value.asString();
        }
        throw new RegistryException.Serialization(value.isNumber() || value.isBoolean()
                ? valueKind(value) + " can not be converted to a String"
                : notExpected(value));
    }

    Integer integer(String member) {
        JsonNode value = members.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            // A JSON integer only: 1.0 and 1e2 are numbers, not the integers the model asks for.
            String number = value.asNumber();
            if (number.indexOf('.') >= 0 || number.indexOf('e') >= 0 || number.indexOf('E') >= 0) {
                throw new RegistryException.Serialization("NUMBER_VALUE can not be converted to an Integer");
            }
            try {
                return new BigDecimal(number).intValueExact();
            } catch (ArithmeticException | NumberFormatException notAnInt) {
                throw new RegistryException.Serialization("NUMBER_VALUE can not be converted to an Integer");
            }
        }
        throw new RegistryException.Serialization(value.isString() || value.isBoolean()
                ? valueKind(value) + " can not be converted to an Integer"
                : notExpected(value));
    }

    /** A structure (CreateEventBus' DeadLetterConfig, LogConfig); null when absent. */
    RequestMembers structure(String member) {
        JsonNode value = members.get(member);
        return value == null || value.isNull() ? null : of(value);
    }

    /** A list of structures (PutPartnerEvents' Entries, CreateEventBus' Tags); null when absent. */
    List<RequestMembers> structures(String member) {
        List<JsonNode> list = list(member);
        if (list == null) {
            return null;
        }
        List<RequestMembers> structures = new ArrayList<>(list.size());
        for (JsonNode element : list) {
            structures.add(element == null || element.isNull() ? new RequestMembers(Map.of()) : of(element));
        }
        return structures;
    }

    /** A list of strings; null when absent. */
    List<String> strings(String member) {
        List<JsonNode> list = list(member);
        if (list == null) {
            return null;
        }
        List<String> strings = new ArrayList<>(list.size());
        for (JsonNode element : list) {
            if (element != null && !element.isNull() && !element.isString()) {
                throw new RegistryException.Serialization(element.isNumber() || element.isBoolean()
                        ? valueKind(element) + " can not be converted to a String" : notExpected(element));
            }
            strings.add(element == null || element.isNull() ? null : element.asString());
        }
        return strings;
    }

    /** An AWS JSON timestamp: epoch seconds, a fraction allowed; null when absent. */
    Instant timestamp(String member) {
        JsonNode value = members.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new RegistryException.Serialization(valueKind(value) + " can not be converted to a Timestamp");
        }
        return epochSeconds(value.asNumber());
    }

    /**
     * A JSON number of epoch seconds as an instant, to the millisecond (a finer fraction is cut). Its size is checked before
     * it is scaled: {@code 1e99999999} is a short number whose exact value a BigDecimal would spend minutes computing.
     */
    static Instant epochSeconds(String number) {
        try {
            BigDecimal seconds = new BigDecimal(number);
            if (seconds.signum() == 0) {
                return Instant.EPOCH; // 0e17 too, whose precision and scale would read as 18 digits
            }
            // Digits before the point: past 16, more milliseconds than a long holds; at -3 or fewer, less than one.
            long integerDigits = (long) seconds.precision() - seconds.scale();
            if (integerDigits > 16) {
                throw new ArithmeticException("more milliseconds than a long holds");
            }
            return Instant.ofEpochMilli(integerDigits <= -3 ? 0 : seconds.movePointRight(3).setScale(0, java.math.RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException | NumberFormatException | java.time.DateTimeException notATime) {
            throw new RegistryException.Serialization("NUMBER_VALUE can not be converted to a Timestamp");
        }
    }

    private List<JsonNode> list(String member) {
        JsonNode value = members.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new RegistryException.Serialization(value.isObject() ? "Start of structure or map found where not expected."
                    : valueKind(value) + " can not be converted to a List");
        }
        return value.asArray();
    }

    private static String valueKind(JsonNode value) {
        if (value.isString()) {
            return "STRING_VALUE";
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? "TRUE_VALUE" : "FALSE_VALUE";
        }
        return "NUMBER_VALUE";
    }

    private static String notExpected(JsonNode value) {
        if (value.isArray()) {
            return "Start of list found where not expected";
        }
        if (value.isObject()) {
            return "Start of structure or map found where not expected.";
        }
        return valueKind(value) + " can not be converted to a structure";
    }
}
