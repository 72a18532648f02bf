package io.chaski.annotation;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

import org.springframework.core.ResolvableType;

import io.chaski.streamer.ChaskiMessage;

/**
 * What a listener parameter wants: the payload as a type, or the whole {@link ChaskiMessage} with its payload
 * as a type.
 *
 * @param wholeMessage whether the listener takes a {@link ChaskiMessage}
 * @param payloadType the type the payload is converted to
 */
record PayloadTarget(boolean wholeMessage, Type payloadType) {

	/**
	 * @param parameter the parameter's type, e.g. {@code Reading} or {@code ChaskiMessage<List<Reading>>}
	 * @return what it wants; unresolvable generics fall back to their bound ({@code Object} at worst)
	 */
	static PayloadTarget of(ResolvableType parameter) {
		if (ChaskiMessage.class.isAssignableFrom(parameter.toClass())) {
			return new PayloadTarget(true, typeOf(parameter.as(ChaskiMessage.class).getGeneric(0)));
		}
		return new PayloadTarget(false, typeOf(parameter));
	}

	private static Type typeOf(ResolvableType type) {
		Type declared = type.getType();
		if (declared instanceof Class<?> || (declared instanceof ParameterizedType && !type.hasUnresolvableGenerics())) {
			return declared;
		}
		return type.toClass();
	}

	/**
	 * @param message a message
	 * @return the argument for the listener
	 */
	Object argument(ChaskiMessage<Object> message) {
		return this.wholeMessage ? message : message.payload();
	}

}
