package io.chaski.remote;

/**
 * Told about remote calls, for metrics. Called on I/O and executor threads: must be cheap and never block.
 */
public interface RemoteObserver {

	/** The side of a call an observation is about. */
	enum Side {

		/** This node made the call through a proxy. */
		CLIENT,
		/** This node ran the call for a peer. */
		SERVER

	}

	/**
	 * A call ended.
	 * @param side which side this node was on
	 * @param service the service name
	 * @param method the method name
	 * @param outcome {@code success}, {@code error} (the method threw), {@code refused}, {@code busy},
	 * {@code malformed}, {@code too-large}, {@code timeout}, {@code unavailable}, {@code disconnected}
	 * @param nanos how long it took
	 */
	void callCompleted(Side side, String service, String method, String outcome, long nanos);

}
