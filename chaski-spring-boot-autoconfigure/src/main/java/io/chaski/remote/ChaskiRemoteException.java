package io.chaski.remote;

/**
 * A remote call failed: the remote method threw (the message names the remote exception's type and message and
 * the node that ran it), the provider refused the call (unknown service or method, busy, malformed), or the
 * provider went away while the call was in flight.
 */
public class ChaskiRemoteException extends RuntimeException {

	private final String remoteType;

	private final String remoteNode;

	/**
	 * @param message what happened
	 * @param remoteType the remote exception's class name, or {@code null} when nothing was thrown remotely
	 * @param remoteNode the node that answered, or {@code null}
	 */
	public ChaskiRemoteException(String message, String remoteType, String remoteNode) {
		super(message);
		this.remoteType = remoteType;
		this.remoteNode = remoteNode;
	}

	/** @param message what happened */
	public ChaskiRemoteException(String message) {
		this(message, null, null);
	}

	/** @return the class name of the exception the remote method threw, or {@code null} */
	public String remoteType() {
		return this.remoteType;
	}

	/** @return the name of the node that answered, or {@code null} */
	public String remoteNode() {
		return this.remoteNode;
	}

}
