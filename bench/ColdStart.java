import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.api.SnapStartPriming;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.UUID;

/**
 * One cold start, the way Lambda does it: a fresh JVM constructs the handler (init), then serves
 * its first and second CreatePartnerEventSource. With the argument {@code primed}, the SnapStart
 * priming request runs after init (as before a snapshot), so first_request is what a restored
 * SnapStart instance pays. Prints one line of milliseconds:
 * jvm_to_main init priming first_request second_request.
 */
public final class ColdStart {

    public static void main(String[] args) {
        long main = System.currentTimeMillis();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        PartnerRegistryHandler handler = new PartnerRegistryHandler();
        long t1 = System.nanoTime();
        if (args.length > 0 && args[0].equals("primed")) {
            SnapStartPriming.prime(handler);
        }
        long primed = System.nanoTime();
        APIGatewayProxyResponseEvent first = handler.handleRequest(create(), null);
        long t2 = System.nanoTime();
        APIGatewayProxyResponseEvent second = handler.handleRequest(create(), null);
        long t3 = System.nanoTime();
        if (first.getStatusCode() != 200 || second.getStatusCode() != 200) {
            throw new IllegalStateException("benchmark request failed: " + first.getBody() + " / " + second.getBody());
        }
        System.out.printf("%d %.1f %.1f %.1f %.1f%n", main - jvmStart, (t1 - t0) / 1e6, (primed - t1) / 1e6,
                (t2 - primed) / 1e6, (t3 - t2) / 1e6);
    }

    private static APIGatewayProxyRequestEvent create() {
        return BenchEvents.create();
    }
}
