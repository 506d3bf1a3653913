package dev.partnerregistry.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * API Gateway REST proxy events as JSON files, read and written with the JSON reader and writer the
 * AWS SDK already ships: the request event a {@code sam local invoke -e} file holds, and the
 * response event the function returns to API Gateway.
 */
public final class ProxyEvents {

    private ProxyEvents() {
    }

    public static APIGatewayProxyRequestEvent readRequest(Path file) {
        try {
            return readRequest(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the event file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The request event in {@code json}; fields the proxy integration does not send are ignored. */
    public static APIGatewayProxyRequestEvent readRequest(String json) {
        JsonNode root;
        try {
            root = JsonNode.parser().parse(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a JSON API Gateway proxy event: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("an API Gateway proxy event is a JSON object");
        }
        Fields event = new Fields(root.asObject(), "");
        APIGatewayProxyRequestEvent request = new APIGatewayProxyRequestEvent()
                .withResource(event.string("resource"))
                .withPath(event.string("path"))
                .withHttpMethod(event.string("httpMethod"))
                .withHeaders(event.stringMap("headers"))
                .withMultiValueHeaders(event.listMap("multiValueHeaders"))
                .withQueryStringParameters(event.stringMap("queryStringParameters"))
                .withMultiValueQueryStringParameters(event.listMap("multiValueQueryStringParameters"))
                .withPathParameters(event.stringMap("pathParameters"))
                .withStageVariables(event.stringMap("stageVariables"))
                .withBody(event.string("body"))
                .withIsBase64Encoded(event.bool("isBase64Encoded"));
        request.setVersion(event.string("version"));
        Fields context = event.object("requestContext");
        if (context != null) {
            ProxyRequestContext requestContext = new ProxyRequestContext()
                    .withAccountId(context.string("accountId"))
                    .withApiId(context.string("apiId"))
                    .withResourceId(context.string("resourceId"))
                    .withResourcePath(context.string("resourcePath"))
                    .withHttpMethod(context.string("httpMethod"))
                    .withPath(context.string("path"))
                    .withStage(context.string("stage"))
                    .withRequestId(context.string("requestId"))
                    .withExtendedRequestId(context.string("extendedRequestId"))
                    .withRequestTime(context.string("requestTime"))
                    .withRequestTimeEpoch(context.number("requestTimeEpoch"))
                    .withDomainName(context.string("domainName"))
                    .withDomainPrefix(context.string("domainPrefix"))
                    .withProtocol(context.string("protocol"))
                    .withOperationName(context.string("operationName"));
            Fields identity = context.object("identity");
            if (identity != null) {
                requestContext.setIdentity(new RequestIdentity()
                        .withSourceIp(identity.string("sourceIp"))
                        .withUserAgent(identity.string("userAgent"))
                        .withAccessKey(identity.string("accessKey"))
                        .withUserArn(identity.string("userArn"))
                        .withCaller(identity.string("caller"))
                        .withAccountId(identity.string("accountId"))
                        .withUser(identity.string("user"))
                        .withApiKey(identity.string("apiKey"))
                        .withPrincipalOrgId(identity.string("principalOrgId"))
                        .withCognitoIdentityPoolId(identity.string("cognitoIdentityPoolId"))
                        .withCognitoIdentityId(identity.string("cognitoIdentityId"))
                        .withCognitoAuthenticationType(identity.string("cognitoAuthenticationType"))
                        .withCognitoAuthenticationProvider(identity.string("cognitoAuthenticationProvider")));
            }
            request.setRequestContext(requestContext);
        }
        return request;
    }

    /** The response event as API Gateway receives it from the function, as one line of JSON. */
    public static String toJson(APIGatewayProxyResponseEvent response) {
        JsonWriter w = JsonWriter.create();
        w.writeStartObject();
        w.writeFieldName("statusCode");
        if (response.getStatusCode() == null) {
            w.writeNull();
        } else {
            w.writeValue(response.getStatusCode().intValue());
        }
        if (response.getHeaders() != null) {
            w.writeFieldName("headers").writeStartObject();
            for (Map.Entry<String, String> header : new java.util.TreeMap<>(response.getHeaders()).entrySet()) {
                w.writeFieldName(header.getKey());
                writeNullable(w, header.getValue());
            }
            w.writeEndObject();
        }
        if (response.getMultiValueHeaders() != null) {
            w.writeFieldName("multiValueHeaders").writeStartObject();
            for (Map.Entry<String, List<String>> header : new java.util.TreeMap<>(response.getMultiValueHeaders()).entrySet()) {
                w.writeFieldName(header.getKey()).writeStartArray();
                for (String value : header.getValue()) {
                    writeNullable(w, value);
                }
                w.writeEndArray();
            }
            w.writeEndObject();
        }
        w.writeFieldName("body");
        writeNullable(w, response.getBody());
        w.writeFieldName("isBase64Encoded").writeValue(Boolean.TRUE.equals(response.getIsBase64Encoded()));
        w.writeEndObject();
        return new String(w.getBytes(), StandardCharsets.UTF_8);
    }

    private static void writeNullable(JsonWriter w, String value) {
        if (value == null) {
            w.writeNull();
        } else {
            w.writeValue(value);
        }
    }

    /** The members of one JSON object, read leniently in shape (null and absent alike) but strictly in type. */
    private record Fields(Map<String, JsonNode> members, String path) {

        private JsonNode get(String name) {
            JsonNode value = members.get(name);
            return value == null || value.isNull() ? null : value;
        }

        String string(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (value.isString() || value.isNumber() || value.isBoolean()) {
                return value.text();
            }
            throw wrongType(name, "a string");
        }

        Boolean bool(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (value.isBoolean()) {
                return value.asBoolean();
            }
            if (value.isString() && (value.asString().equals("true") || value.asString().equals("false"))) {
                return Boolean.parseBoolean(value.asString());
            }
            throw wrongType(name, "true or false");
        }

        Long number(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            try {
                return new BigDecimal(value.isNumber() ? value.asNumber() : string(name)).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw wrongType(name, "a whole number");
            }
        }

        Fields object(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (!value.isObject()) {
                throw wrongType(name, "an object");
            }
            return new Fields(value.asObject(), path + name + ".");
        }

        Map<String, String> stringMap(String name) {
            Fields object = object(name);
            if (object == null) {
                return null;
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (String key : object.members.keySet()) {
                map.put(key, object.string(key));
            }
            return map;
        }

        Map<String, List<String>> listMap(String name) {
            Fields object = object(name);
            if (object == null) {
                return null;
            }
            Map<String, List<String>> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : object.members.entrySet()) {
                JsonNode value = entry.getValue();
                if (value.isNull()) {
                    continue;
                }
                if (!value.isArray()) {
                    throw object.wrongType(entry.getKey(), "an array of strings");
                }
                List<String> values = new ArrayList<>();
                for (JsonNode element : value.asArray()) {
                    if (!element.isString()) {
                        throw object.wrongType(entry.getKey(), "an array of strings");
                    }
                    values.add(element.asString());
                }
                map.put(entry.getKey(), values);
            }
            return map;
        }

        private IllegalArgumentException wrongType(String name, String expected) {
            return new IllegalArgumentException("'" + path + name + "' must be " + expected);
        }
    }
}
