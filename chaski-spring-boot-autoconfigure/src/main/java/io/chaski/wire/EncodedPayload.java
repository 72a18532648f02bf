package io.chaski.wire;

/**
 * A payload turned into bytes, with the content type that says how to read it back.
 *
 * @param contentType the content type, or {@code null} for raw bytes
 * @param bytes the encoded bytes
 */
public record EncodedPayload(String contentType, byte[] bytes) {
}
