package dev.partnerregistry.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HeadersFrameOption;
import software.amazon.awscdk.services.cloudfront.HeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ResponseCustomHeader;
import software.amazon.awscdk.services.cloudfront.ResponseCustomHeadersBehavior;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentSecurityPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentTypeOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersFrameOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersStrictTransportSecurity;
import software.amazon.awscdk.services.cloudfront.ResponseSecurityHeadersBehavior;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

/**
 * The web console (console/, built into console/dist): its files in a private S3 bucket, served by a CloudFront
 * distribution that alone may read it (origin access control), over HTTPS only, with security headers on every
 * answer, among them a Content-Security-Policy that admits no inline script and no other origin but the API's.
 * A {@code config.json} written beside the files at deploy time names the API's endpoint and region. The console
 * signs each call in the browser; the API admits its origin by CORS ({@link RegistryApi#admitConsole}) and the
 * function names it in its answers ({@code CONSOLE_ORIGIN}).
 *
 * <p>The files bucket's access logs go to a log bucket of its own, kept {@value #LOG_RETENTION_DAYS} days; every call
 * the console makes is in the API's access log.
 */
public final class RegistryConsole extends Construct {

    /** The built console under the repository root; the {@code consoleDir} context names another directory. */
    public static final String RELATIVE_DIR = "console/dist";
    public static final int LOG_RETENTION_DAYS = 90;
    /** The function's setting that names the console's origin (ConsoleCors.ORIGIN_VARIABLE). */
    public static final String ORIGIN_VARIABLE = "CONSOLE_ORIGIN";
    /** Two years, with subdomains: what the HSTS preload list asks for. */
    static final Duration HSTS_MAX_AGE = Duration.days(730);

    private final Bucket bucket;
    private final Bucket logs;
    private final Distribution distribution;
    private final ResponseHeadersPolicy headers;
    private final BucketDeployment deployment;

    public RegistryConsole(Construct scope, String id, Props props) {
        super(scope, id);
        // S3 delivers the access logs under the log bucket's policy, not an ACL (CDK's flag for it, set for this construct).
        getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

        this.logs = Bucket.Builder.create(this, "AccessLogs")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(LOG_RETENTION_DAYS)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(logs, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason("This is the access log bucket of the console's files bucket; logging it into itself would loop.")
                .build()), true);

        this.bucket = Bucket.Builder.create(this, "Files")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .serverAccessLogsBucket(logs)
                .serverAccessLogsPrefix("console-bucket/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        this.headers = ResponseHeadersPolicy.Builder.create(this, "SecurityHeaders")
                .comment("Partner Registry console: strict CSP (no inline script, the API's origin only), HSTS, no framing")
                .securityHeadersBehavior(ResponseSecurityHeadersBehavior.builder()
                        .contentSecurityPolicy(ResponseHeadersContentSecurityPolicy.builder()
                                .contentSecurityPolicy(contentSecurityPolicy(props.apiOrigin()))
                                .override(true)
                                .build())
                        .strictTransportSecurity(ResponseHeadersStrictTransportSecurity.builder()
                                .accessControlMaxAge(HSTS_MAX_AGE)
                                .includeSubdomains(true)
                                .override(true)
                                .build())
                        .contentTypeOptions(ResponseHeadersContentTypeOptions.builder().override(true).build())
                        .frameOptions(ResponseHeadersFrameOptions.builder().frameOption(HeadersFrameOption.DENY).override(true).build())
                        .referrerPolicy(ResponseHeadersReferrerPolicy.builder()
                                .referrerPolicy(HeadersReferrerPolicy.NO_REFERRER).override(true).build())
                        .build())
                .customHeadersBehavior(ResponseCustomHeadersBehavior.builder()
                        .customHeaders(List.of(ResponseCustomHeader.builder()
                                .header("Cross-Origin-Opener-Policy").value("same-origin").override(true).build()))
                        .build())
                .build();

        this.distribution = Distribution.Builder.create(this, "Distribution")
                .comment("Partner Registry console")
                .defaultBehavior(BehaviorOptions.builder()
                        .origin(S3BucketOrigin.withOriginAccessControl(bucket))
                        .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                        .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                        .cachePolicy(CachePolicy.CACHING_OPTIMIZED)
                        .responseHeadersPolicy(headers)
                        .compress(true)
                        .build())
                .defaultRootObject("index.html")
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .priceClass(PriceClass.PRICE_CLASS_100)
                .build();
        NagSuppressions.addResourceSuppressions(distribution, List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR1")
                        .reason("The console is for the registry's partners and customers wherever they are; the API it calls "
                                + "authenticates every request, so a geographic restriction would only turn legitimate users away.")
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR2")
                        .reason("The distribution serves a few static files read-only (GET and HEAD) from a private bucket; "
                                + "the data is behind the API, which checks each request's signature. Attach a web ACL per "
                                + "account if policy requires.")
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR3")
                        .reason("CloudFront's standard logs need ACLs on their bucket (which cfn-lint and S3 now advise "
                                + "against); they would record who loaded a few static files, while every call that matters "
                                + "is in the API's access log. Enable CloudFront's v2 log delivery per account if policy requires.")
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR4")
                        .reason("The distribution uses CloudFront's default *.cloudfront.net certificate, for which CloudFront "
                                + "fixes the viewer security policy itself; TLSv1.2_2021 applies once a custom domain and "
                                + "certificate are attached.")
                        .build()), true);

        Path dir = props.consoleDir();
        this.deployment = BucketDeployment.Builder.create(this, "Deployment")
                .sources(List.of(
                        Source.asset(dir.toString()),
                        // Written at deploy time: the console calls this endpoint, signing for this region.
                        Source.jsonData("config.json", config(props.apiEndpoint()))))
                .destinationBucket(bucket)
                .distribution(distribution)
                .distributionPaths(List.of("/*"))
                .prune(true)
                .memoryLimit(256)
                .build();
        // The deployment's function and role are CDK's own singleton (one per stack), found by their path.
        Stack stack = Stack.of(this);
        stack.getNode().getChildren().stream()
                .filter(child -> child.getNode().getId().startsWith("Custom::CDKBucketDeployment"))
                .forEach(child -> NagSuppressions.addResourceSuppressions(child, List.of(
                        NagPackSuppression.builder()
                                .id("AwsSolutions-IAM4")
                                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
                                .reason("CDK's BucketDeployment function writes its logs with the basic execution role; it runs "
                                        + "only during deploys.")
                                .build(),
                        NagPackSuppression.builder()
                                .id("AwsSolutions-IAM5")
                                .appliesTo(List.copyOf(deploymentWildcards()))
                                .reason("CDK's BucketDeployment copies the console's files: it may read the staged asset's "
                                        + "objects and write and delete every object of the console's bucket (s3:GetObject*, "
                                        + "s3:List*, s3:DeleteObject*, s3:Abort* on that bucket's objects) and invalidate the "
                                        + "distribution (CloudFront's invalidation actions take no resource narrower than *).")
                                .build(),
                        NagPackSuppression.builder()
                                .id("AwsSolutions-L1")
                                .reason("The runtime of CDK's BucketDeployment function is chosen by the CDK version, which "
                                        + "moves it to newer runtimes; it runs only during deploys.")
                                .build()), true));
    }

    /** config.json, its members in a fixed order: the deployed file (and the template) must not change between synths. */
    private static Map<String, Object> config(String apiEndpoint) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("region", Aws.REGION);
        config.put("endpoint", apiEndpoint);
        return config;
    }

    /** Exactly the wildcards of CDK's BucketDeployment role that cdk-nag reports for this console, and no others. */
    List<String> deploymentWildcards() {
        String files = Stack.of(this).getLogicalId((CfnElement) bucket.getNode().getDefaultChild());
        return List.of("Action::s3:Abort*", "Action::s3:DeleteObject*", "Action::s3:GetBucket*", "Action::s3:GetObject*",
                "Action::s3:List*", "Resource::*", "Resource::<" + files + ".Arn>/*",
                "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*");
    }

    /**
     * Everything from the console's own origin, and requests to the API's too; no inline script or style, no
     * frames, no form posts, no base URL. {@code apiOrigin} may hold a wildcard host (the region's execute-api
     * domain) or a deploy-time value.
     */
    public static String contentSecurityPolicy(String apiOrigin) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' " + apiOrigin
                + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    /** The built console: {@link #RELATIVE_DIR} under the repository root, or {@code override}; index.html must be there. */
    public static Path dir(String override) {
        Path dir = FunctionArtifact.repoRoot().resolve(override != null ? override : RELATIVE_DIR).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("index.html"))) {
            throw new IllegalStateException("The console is not built at " + dir + ": run `make console` from the repository root first");
        }
        return dir;
    }

    /** {@code https://} and the distribution's domain: the origin the API admits by CORS. */
    public String origin() {
        return Fn.join("", List.of("https://", distribution.getDistributionDomainName()));
    }

    public Bucket bucket() {
        return bucket;
    }

    public Bucket accessLogs() {
        return logs;
    }

    public Distribution distribution() {
        return distribution;
    }

    public ResponseHeadersPolicy securityHeaders() {
        return headers;
    }

    public BucketDeployment deployment() {
        return deployment;
    }

    /**
     * @param consoleDir  the built console (index.html, console.js, console.css)
     * @param apiEndpoint the endpoint the console calls (the stage URL, or the custom domain's)
     * @param apiOrigin   what the CSP's connect-src admits for it: the custom domain's origin, or the region's
     *                    execute-api domain (naming the API's own id would make the distribution depend on the API,
     *                    whose function must name the distribution's origin: a cycle)
     */
    public record Props(Path consoleDir, String apiEndpoint, String apiOrigin) {

        public Props {
            Objects.requireNonNull(consoleDir, "consoleDir");
            Objects.requireNonNull(apiEndpoint, "apiEndpoint");
            Objects.requireNonNull(apiOrigin, "apiOrigin");
        }
    }
}
