package dev.partnerregistry.domain;

import java.util.List;

/**
 * Who is calling: the IAM principal ARN that API Gateway authenticated (or, locally, the one the
 * request's access key maps to). Null when the request carried no identity.
 */
public record Caller(String principalArn) {

    public static Caller anonymous() {
        return new Caller(null);
    }

    /** The account of the principal ({@code arn:aws:iam::<account>:...}), or null without a well-formed one. */
    public String accountId() {
        if (principalArn == null) {
            return null;
        }
        String[] arn = principalArn.split(":", 6);
        return arn.length == 6 && Constraints.isAccount(arn[4]) ? arn[4] : null;
    }

    /**
     * The principal ARNs a partner registration may name for this caller. A role session
     * ({@code arn:aws:sts::123456789012:assumed-role/Role/session}) also matches the role itself,
     * so a partner registers its role once rather than every session.
     */
    public List<String> registrationCandidates() {
        if (principalArn == null || principalArn.isEmpty()) {
            return List.of();
        }
        String[] arn = principalArn.split(":", 6);
        if (arn.length == 6 && arn[2].equals("sts") && arn[5].startsWith("assumed-role/")) {
            String[] role = arn[5].split("/");
            if (role.length >= 3) {
                String roleArn = "arn:" + arn[1] + ":iam::" + arn[4] + ":role/" + role[1];
                return List.of(principalArn, roleArn);
            }
        }
        return List.of(principalArn);
    }
}
