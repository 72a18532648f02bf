package io.chaski.remote;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One call a proxy made, from sending until its answer, failure or timeout. A call that fails over is sent
 * again under a new id; {@link #tried} keeps it away from providers that failed it.
 */
final class PendingCall {

	final String service;

	final Method method;

	final MethodShape shape;

	final byte[] arguments;

	final long timeoutNanos;

	final long startNanos = System.nanoTime();

	final CompletableFuture<Object> result = new CompletableFuture<>();

	/**
	 * What an asynchronous method returns ({@code null} for blocking ones): completed after {@link #result}, off
	 * the I/O threads, since the application's stages run where it completes.
	 */
	final CompletableFuture<Object> answer;

	/** Providers this call was sent to; one, unless it failed over. */
	private Set<UUID> tried = Set.of();

	/** Providers this call linked to on demand (learnt from membership, not linked before). */
	private Set<UUID> linked = Set.of();

	/** The id and provider of the attempt under way. */
	volatile long id;

	volatile UUID provider;

	volatile String providerName;


	PendingCall(String service, Method method, byte[] arguments, long timeoutNanos) {
		this.service = service;
		this.method = method;
		this.shape = MethodShape.of(method);
		this.arguments = arguments;
		this.timeoutNanos = timeoutNanos;
		this.answer = this.shape.async ? new CompletableFuture<>() : null;
	}

	/** @return whether the caller waits for the answer (the method does not return a {@code CompletableFuture}) */
	boolean blocking() {
		return !this.shape.async;
	}

	/** Completes {@link #answer} as {@link #result} completed. */
	void forward() {
		Object value;
		try {
			value = this.result.getNow(null);
		}
		catch (CompletionException ex) {
			this.answer.completeExceptionally(ex.getCause());
			return;
		}
		this.answer.complete(value);
	}

	boolean idempotent() {
		return this.shape.idempotent;
	}

	boolean tried(UUID provider) {
		return this.tried.contains(provider);
	}

	// most calls go to one provider: a set of their own only when they fail over
	void markTried(UUID provider) {
		this.tried = with(this.tried, provider);
	}

	boolean linked(UUID provider) {
		return this.linked.contains(provider);
	}

	void markLinked(UUID provider) {
		this.linked = with(this.linked, provider);
	}

	private static Set<UUID> with(Set<UUID> set, UUID added) {
		if (set.isEmpty()) {
			return Set.of(added);
		}
		Set<UUID> grown = new HashSet<>(set);
		grown.add(added);
		return grown;
	}

	long remainingNanos() {
		return this.timeoutNanos - (System.nanoTime() - this.startNanos);
	}

	/** @return how the call is named in messages: {@code service.method} */
	String describe() {
		return "'" + this.service + "'." + this.method.getName();
	}

}
