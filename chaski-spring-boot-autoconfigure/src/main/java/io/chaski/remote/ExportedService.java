package io.chaski.remote;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;

/**
 * A service this node offers: an object and the one interface whose methods peers may call.
 *
 * @param name the service name
 * @param target the object that runs the calls
 * @param type the exported interface
 * @param methods the callable methods by signature
 */
record ExportedService(String name, Object target, Class<?> type, Map<String, Method> methods) {

	static ExportedService of(String name, Object target, Class<?> type) {
		Objects.requireNonNull(target, "target");
		if (!type.isInstance(target)) {
			throw new IllegalArgumentException(target.getClass().getName() + " does not implement " + type.getName());
		}
		return new ExportedService(ServiceNames.require(name), target, type, Signatures.callable(type));
	}

}
