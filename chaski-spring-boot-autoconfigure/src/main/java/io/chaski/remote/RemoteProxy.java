package io.chaski.remote;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Behind every proxy: turns an interface method call into a remote call. {@code CompletableFuture} methods return
 * at once (their future completes off the I/O threads); others block until the answer or the timeout. Object's
 * methods are answered locally.
 */
final class RemoteProxy implements InvocationHandler {

	private final String service;

	private final Class<?> type;

	private final Duration timeout;

	private final Caller caller;

	RemoteProxy(String service, Class<?> type, Duration timeout, Caller caller) {
		this.service = service;
		this.type = type;
		this.timeout = timeout;
		this.caller = caller;
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "ChaskiRemote[" + this.service + ": " + this.type.getName() + "]";
			};
		}
		PendingCall call = this.caller.call(this.service, method, args, this.timeout);
		if (call.answer != null) {
			return call.answer; // completed off the I/O threads: the caller's stages must not run there
		}
		Object value = await(call.result);
		if (value == null && method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
			throw new ChaskiRemoteException("'" + this.service + "'." + method.getName() + " returned null for a "
					+ method.getReturnType() + " result");
		}
		return value;
	}

	private static Object await(CompletableFuture<Object> result) {
		try {
			return result.get(); // the call's own timeout completes it
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof ChaskiRemoteException remote) {
				remote.fillInStackTrace(); // made on another thread: show where the caller waited
				throw remote;
			}
			throw new ChaskiRemoteException(String.valueOf(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ChaskiRemoteException("interrupted while waiting for a remote call");
		}
	}

}
