package io.chaski.wire;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default codec: {@code byte[]} travels as it is, {@link CharSequence} as UTF-8 text, and anything else
 * as JSON through Jackson.
 */
public final class DefaultPayloadCodec implements PayloadCodec {

	/** Content type of text payloads. */
	public static final String TEXT = "text/plain;charset=UTF-8";

	/** Content type of JSON payloads. */
	public static final String JSON = "application/json";

	private final JsonMapper jsonMapper;

	/**
	 * A reader per target type, so that a message does not pay for resolving its type and looking up the
	 * deserializer. Types come from subscriptions and listeners in the code, so this stays small.
	 */
	private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();

	/** A codec with a default {@link JsonMapper}. */
	public DefaultPayloadCodec() {
		this(JsonMapper.builder().findAndAddModules().build());
	}

	/**
	 * @param jsonMapper the mapper for object payloads (in Spring Boot, the application's own)
	 */
	public DefaultPayloadCodec(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public EncodedPayload encode(Object payload) {
		if (payload instanceof byte[] bytes) {
			return new EncodedPayload(null, bytes);
		}
		if (payload instanceof CharSequence text) {
			return new EncodedPayload(TEXT, text.toString().getBytes(StandardCharsets.UTF_8));
		}
		try {
			return new EncodedPayload(JSON, this.jsonMapper.writeValueAsBytes(payload));
		}
		catch (JacksonException ex) {
			throw new PayloadCodecException("Cannot encode " + payload.getClass().getName() + " as JSON: "
					+ ex.getOriginalMessage(), ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T decode(byte[] bytes, String contentType, Type targetType) {
		if (targetType == byte[].class) {
			return (T) bytes;
		}
		if (targetType == String.class || (targetType == Object.class && !JSON.equals(contentType))) {
			return (T) ((contentType == null && targetType == Object.class) ? bytes
					: new String(bytes, StandardCharsets.UTF_8));
		}
		if (!JSON.equals(contentType)) {
			throw new PayloadCodecException("Cannot read a " + (contentType != null ? contentType : "raw bytes")
					+ " payload as " + targetType.getTypeName() + "; publish it as an object (JSON)", null);
		}
		try {
			return reader(targetType).readValue(bytes);
		}
		catch (JacksonException ex) {
			throw new PayloadCodecException("Cannot read JSON payload as " + targetType.getTypeName() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	private ObjectReader reader(Type targetType) {
		ObjectReader reader = this.readers.get(targetType);
		if (reader == null) {
			reader = this.readers.computeIfAbsent(targetType,
					type -> this.jsonMapper.readerFor(this.jsonMapper.constructType(type)));
		}
		return reader;
	}

}
