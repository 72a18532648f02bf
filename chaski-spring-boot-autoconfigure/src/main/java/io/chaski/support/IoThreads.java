package io.chaski.support;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the threads that spend their life blocked on one peer (socket readers, per-peer writers): virtual
 * threads when the JVM has them (Java 21 and later), so that a hub with hundreds of peers does not pay a
 * platform thread and its stack for each; daemon platform threads otherwise. The build targets Java 17, so the
 * virtual-thread API is looked up at run time. {@code -Dchaski.virtual-threads=false} turns it off.
 */
public final class IoThreads {

	private static final MethodHandle VIRTUAL_FACTORY = virtualFactory();

	private IoThreads() {
	}

	/** @return whether the threads made here are virtual */
	public static boolean virtual() {
		return VIRTUAL_FACTORY != null;
	}

	/**
	 * @param prefix thread names: the prefix and a counter
	 * @return a factory of daemon threads (virtual ones where available)
	 */
	public static ThreadFactory factory(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return runnable -> newThread(prefix + counter.incrementAndGet(), runnable);
	}

	/**
	 * @param name the thread's name
	 * @param runnable what it runs
	 * @return an unstarted daemon thread (virtual where available)
	 */
	public static Thread newThread(String name, Runnable runnable) {
		if (VIRTUAL_FACTORY != null) {
			try {
				Thread thread = ((ThreadFactory) VIRTUAL_FACTORY.invoke()).newThread(runnable);
				thread.setName(name);
				return thread;
			}
			catch (Throwable ex) {
				throw new IllegalStateException("cannot make a virtual thread", ex);
			}
		}
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	/** {@code () -> Thread.ofVirtual().factory()}, or {@code null} before Java 21 or when turned off. */
	private static MethodHandle virtualFactory() {
		if (!Boolean.parseBoolean(System.getProperty("chaski.virtual-threads", "true"))) {
			return null;
		}
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Class<?> builder = Class.forName("java.lang.Thread$Builder$OfVirtual");
			MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(builder));
			MethodHandle factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
			MethodHandle handle = MethodHandles.filterReturnValue(ofVirtual, factory);
			handle.invoke(); // fails here, once, if the JVM has the API but not the feature
			return handle;
		}
		catch (Throwable ex) {
			return null;
		}
	}

}
