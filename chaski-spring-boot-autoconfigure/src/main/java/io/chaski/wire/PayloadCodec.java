package io.chaski.wire;

import java.lang.reflect.Type;

/**
 * Turns message payloads into bytes and back. Implementations must never use Java serialization: the bytes
 * come from other machines.
 */
public interface PayloadCodec {

	/**
	 * @param payload a non-null payload
	 * @return the bytes and their content type
	 * @throws PayloadCodecException if the payload cannot be encoded
	 */
	EncodedPayload encode(Object payload);

	/**
	 * @param bytes encoded bytes
	 * @param contentType their content type, {@code null} for raw bytes
	 * @param targetType the type wanted; {@code Object.class} means "whatever the content type implies"
	 * @param <T> the type wanted
	 * @return the decoded payload
	 * @throws PayloadCodecException if the bytes cannot be read as the target type
	 */
	<T> T decode(byte[] bytes, String contentType, Type targetType);

}
