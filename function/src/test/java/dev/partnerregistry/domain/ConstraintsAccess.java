package dev.partnerregistry.domain;

/** The hand-written matchers, for the protocol properties test in another package. */
public final class ConstraintsAccess {

    private ConstraintsAccess() {
    }

    public static boolean isName(String value) {
        return Constraints.isName(value);
    }

    public static boolean isNamePrefix(String value) {
        return Constraints.isNamePrefix(value);
    }

    public static boolean isPathCharacters(String value) {
        return Constraints.isPathCharacters(value);
    }

    public static boolean isBusNameOrArn(String value) {
        return Constraints.isBusNameOrArn(value);
    }

    public static boolean isAccount(String value) {
        return Constraints.isAccount(value);
    }
}
