package dev.partnerregistry.api;

import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * Where the sweep's and the forwarder's log lines are written: the JSON generator the SDK's own
 * marshaller uses, which their first AWS call loads anyway. The API's answers and request log are
 * written by hand ({@link dev.partnerregistry.domain.JsonWriter}), straight into the String they end as.
 */
final class JsonOutput {

    private JsonOutput() {
    }

    static StructuredJsonGenerator generator() {
        return new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, AwsJsonProtocol.CONTENT_TYPE);
    }
}
