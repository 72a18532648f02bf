package io.chaski.remote;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One call a proxy made, from sending until its answer, failure or timeout. A call that fails over is sent
 * again under a new id; {@link #tried} keeps it away from providers that failed it.
 */
final class PendingCall {

	final String service;

	final Method method;

	final Type resultType;

	final String signature;

	final byte[] arguments;

	final long timeoutNanos;

	final long startNanos = System.nanoTime();

	final boolean idempotent;

	final CompletableFuture<Object> result = new CompletableFuture<>();

	final Set<UUID> tried = new HashSet<>();

	/** Providers this call linked to on demand (learnt from membership, not linked before). */
	final Set<UUID> linked = new HashSet<>();

	/** The id and provider of the attempt under way. */
	volatile long id;

	volatile UUID provider;

	volatile String providerName;


	PendingCall(String service, Method method, byte[] arguments, long timeoutNanos) {
		this.service = service;
		this.method = method;
		this.resultType = Signatures.resultType(method);
		this.signature = Signatures.of(method);
		this.arguments = arguments;
		this.timeoutNanos = timeoutNanos;
		this.idempotent = method.isAnnotationPresent(ChaskiIdempotent.class);
	}

	/** @return whether the caller waits for the answer (the method does not return a {@code CompletableFuture}) */
	boolean blocking() {
		return !CompletableFuture.class.isAssignableFrom(this.method.getReturnType());
	}

	long remainingNanos() {
		return this.timeoutNanos - (System.nanoTime() - this.startNanos);
	}

	/** @return how the call is named in messages: {@code service.method} */
	String describe() {
		return "'" + this.service + "'." + this.method.getName();
	}

}
