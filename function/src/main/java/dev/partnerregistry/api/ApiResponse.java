package dev.partnerregistry.api;

import java.util.Map;

/** One AWS JSON 1.1 answer: the HTTP status, the headers the SDKs read, and the JSON body. */
public record ApiResponse(int statusCode, Map<String, String> headers, String body) {
}
