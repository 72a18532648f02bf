package io.chaski.remote;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a call needs to know of an interface method, worked out once per method: reflection copies the parameter
 * types and looks up annotations on every call, and the CALL headers for a given timeout are the same every time.
 */
final class MethodShape {

	/** Bounded by the methods of the interfaces that proxies and services use. */
	private static final Map<Method, MethodShape> CACHE = new ConcurrentHashMap<>();

	final String signature;

	/** The declared parameter types; shared, never modified. */
	final Type[] parameterTypes;

	/** The type of the value that travels back, as a one-element array for {@link Values#decode}; never modified. */
	final Type[] resultTypes;

	final boolean async;

	final boolean idempotent;

	/** The headers of the last call, reused while calls ask the same timeout (the usual case). */
	private volatile Headers lastHeaders;

	private MethodShape(Method method) {
		this.signature = Signatures.of(method);
		this.parameterTypes = method.getGenericParameterTypes();
		this.resultTypes = new Type[] { Signatures.resultType(method) };
		this.async = Signatures.isAsync(method);
		this.idempotent = method.isAnnotationPresent(ChaskiIdempotent.class);
	}

	static MethodShape of(Method method) {
		MethodShape shape = CACHE.get(method);
		return (shape != null) ? shape : CACHE.computeIfAbsent(method, MethodShape::new);
	}

	/**
	 * @param timeoutMillis how long the caller waits
	 * @return the headers of a CALL of this method
	 */
	Map<String, String> headers(long timeoutMillis) {
		Headers last = this.lastHeaders;
		if (last == null || last.timeoutMillis != timeoutMillis) {
			last = new Headers(timeoutMillis, RemoteHeaders.of(this.signature, timeoutMillis));
			this.lastHeaders = last;
		}
		return last.map;
	}

	private record Headers(long timeoutMillis, Map<String, String> map) {
	}

}
