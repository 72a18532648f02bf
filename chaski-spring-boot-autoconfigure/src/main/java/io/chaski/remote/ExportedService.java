package io.chaski.remote;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service this node offers: an object and the interfaces whose methods peers may call.
 *
 * @param name the service name
 * @param target the object that runs the calls
 * @param types the exported interfaces
 * @param methods the callable methods by signature
 */
record ExportedService(String name, Object target, List<Class<?>> types, Map<String, Method> methods) {

	static ExportedService of(String name, Object target, List<Class<?>> types) {
		Objects.requireNonNull(target, "target");
		if (types.isEmpty()) {
			throw new IllegalArgumentException("service '" + name + "' exports no interface");
		}
		Map<String, Method> methods = new HashMap<>();
		for (Class<?> type : types) {
			if (!type.isInstance(target)) {
				throw new IllegalArgumentException(target.getClass().getName() + " does not implement "
						+ type.getName());
			}
			Signatures.callable(type).forEach(methods::putIfAbsent);
		}
		return new ExportedService(ServiceNames.require(name), target, List.copyOf(types), Map.copyOf(methods));
	}

	/** @return the interfaces' names, for messages */
	String typeNames() {
		return String.join(", ", this.types.stream().map(Class::getName).toList());
	}

}
