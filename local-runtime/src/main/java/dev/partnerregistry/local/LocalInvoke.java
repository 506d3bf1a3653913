package dev.partnerregistry.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.partnerregistry.admin.AdminCommand;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * {@code make invoke EVENT=events/x.json}: what {@code sam local invoke -e FILE} does, without
 * Docker. Runs the handler once on an API Gateway proxy event file, against the same engine, table,
 * access keys and registered partners as {@link LocalRegistry}, and prints the proxy response JSON on
 * stdout. An event without an {@code Authorization} header is signed first, now, with the local key its
 * {@code requestContext.identity.accessKey} names ({@link ProxyEventSigner}). Progress goes to stderr.
 * Exit 0 whenever the function answered, whatever the status code.
 */
public final class LocalInvoke {

    static final String USAGE = "usage: LocalInvoke <event.json>   (an API Gateway REST proxy event, e.g. events/create-partner-event-source.json)";

    private LocalInvoke() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, Path workingDir, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].isBlank()) {
            err.println(USAGE);
            return 2;
        }
        Path file = workingDir.resolve(args[0]);
        if (!Files.isRegularFile(file)) {
            err.println("local-invoke: no event file " + file);
            err.println(USAGE);
            return 2;
        }
        APIGatewayProxyRequestEvent event;
        try {
            event = ProxyEvents.readRequest(file);
        } catch (RuntimeException e) {
            err.println("local-invoke: " + e.getMessage());
            return 2;
        }
        try (LocalRuntime runtime = LocalRuntime.start(env, workingDir, err)) {
            if (runtime.tableCreated()) {
                for (String step : EventPreconditions.of(file)) {
                    given(step, file.getParent(), runtime, err);
                }
            } else if (!EventPreconditions.of(file).isEmpty()) {
                err.println("local-invoke: table " + runtime.settings().tableName() + " was there already: " + file.getFileName()
                        + " runs on what it holds (its stated preconditions, events/given.properties, are not set up)");
            }
            APIGatewayProxyResponseEvent response;
            try {
                response = invoke(runtime, event, err);
            } catch (RuntimeException | Error e) {
                // What Lambda returns for an unhandled exception (API Gateway would answer 502).
                e.printStackTrace(err);
                JsonWriter w = JsonWriter.create().writeStartObject()
                        .writeFieldName("errorMessage").writeValue(String.valueOf(e.getMessage()))
                        .writeFieldName("errorType").writeValue(e.getClass().getName())
                        .writeEndObject();
                out.println(new String(w.getBytes(), java.nio.charset.StandardCharsets.UTF_8));
                return 1;
            }
            out.println(ProxyEvents.toJson(response));
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            err.println("local-invoke: " + e.getMessage());
            return 1;
        }
    }

    /** The handler once on {@code event}, signed now if it carries no signature, as make invoke runs it. */
    static APIGatewayProxyResponseEvent invoke(LocalRuntime runtime, APIGatewayProxyRequestEvent event, PrintStream err) {
        String keyId = ProxyEventSigner.accessKeyOf(event);
        if (!ProxyEventSigner.isSigned(event) && keyId != null) {
            LocalConfig.LocalPrincipal key = runtime.config().principal(keyId).orElseThrow(() -> new IllegalArgumentException(
                    "the event's requestContext.identity.accessKey " + keyId + " is not in the local config's access keys"));
            event = ProxyEventSigner.sign(event, keyId, key.secretAccessKey(), runtime.settings().region(), java.time.Clock.systemUTC());
            err.println("local-invoke: signed the event now with " + keyId);
        }
        String requestId = event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
                ? event.getRequestContext().getRequestId() : UUID.randomUUID().toString();
        return runtime.handler().handleRequest(event, new LocalContext(requestId, err));
    }

    /** One stated precondition: another event file that must answer 200, or an operator command that must succeed. */
    private static void given(String step, Path eventsDir, LocalRuntime runtime, PrintStream err) {
        err.println("local-invoke: given " + step);
        if (step.startsWith("admin ")) {
            String[] args = step.substring("admin ".length()).trim().split("\\s+");
            if (AdminCommand.run(args, runtime.operatorEnvironment(), err, err) != 0) {
                throw new IllegalStateException("the precondition '" + step + "' failed");
            }
            return;
        }
        APIGatewayProxyResponseEvent response = invoke(runtime, ProxyEvents.readRequest(eventsDir.resolve(step)), err);
        if (response.getStatusCode() != 200) {
            throw new IllegalStateException("the precondition " + step + " answered " + response.getStatusCode() + " " + response.getBody());
        }
    }
}
