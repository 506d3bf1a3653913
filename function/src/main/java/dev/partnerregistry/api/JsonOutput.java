package dev.partnerregistry.api;

import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * Where answers and log lines are written: the JSON generator the SDK's own marshaller uses,
 * which the first DynamoDB request loads anyway, so writing JSON adds no classes to a cold start
 * (the SDK's JsonWriter would add a dozen, and a JSON library far more).
 */
final class JsonOutput {

    private JsonOutput() {
    }

    static StructuredJsonGenerator generator() {
        return new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, AwsJsonProtocol.CONTENT_TYPE);
    }
}
