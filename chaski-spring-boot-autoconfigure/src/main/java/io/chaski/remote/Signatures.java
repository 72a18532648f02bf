package io.chaski.remote;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Names methods on the wire and finds the callable ones of an interface: its public abstract and default
 * methods (inherited ones included), never {@code Object}'s or static ones.
 */
final class Signatures {

	/** Signatures of the methods proxies call, computed once each (bounded by the interfaces' methods). */
	private static final Map<Method, String> CACHE = new ConcurrentHashMap<>();

	private Signatures() {
	}

	/**
	 * @param method a method
	 * @return its name and erased parameter types, e.g. {@code find(java.lang.String,int)}
	 */
	static String of(Method method) {
		return CACHE.computeIfAbsent(method, Signatures::compute);
	}

	private static String compute(Method method) {
		return method.getName() + Arrays.stream(method.getParameterTypes())
			.map(Class::getName)
			.collect(Collectors.joining(",", "(", ")"));
	}

	/**
	 * @param type an interface
	 * @return its callable methods by signature
	 * @throws IllegalArgumentException if it is not an interface
	 */
	static Map<String, Method> callable(Class<?> type) {
		if (!type.isInterface()) {
			throw new IllegalArgumentException(type.getName() + " is not an interface: only interfaces are exported");
		}
		Map<String, Method> methods = new LinkedHashMap<>();
		for (Method method : type.getMethods()) {
			if (!Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class) {
				method.trySetAccessible(); // an interface that is not public (nested in a configuration, say)
				methods.putIfAbsent(of(method), method);
			}
		}
		return Map.copyOf(methods);
	}

	/**
	 * @param method a method
	 * @return whether it answers with a {@link CompletableFuture} (an asynchronous call)
	 */
	static boolean isAsync(Method method) {
		return CompletableFuture.class.isAssignableFrom(method.getReturnType());
	}

	/**
	 * @param method a method
	 * @return the type of the value that travels back: a future's type argument, else the return type
	 */
	static Type resultType(Method method) {
		if (!isAsync(method)) {
			return method.getGenericReturnType();
		}
		Type type = method.getGenericReturnType();
		return (type instanceof ParameterizedType parameterized) ? parameterized.getActualTypeArguments()[0]
				: Object.class;
	}

}
