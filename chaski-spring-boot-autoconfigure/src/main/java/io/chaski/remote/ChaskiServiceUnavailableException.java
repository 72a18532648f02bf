package io.chaski.remote;

/**
 * No connected peer offers the service a call or {@link ChaskiRemoteRegistry#awaitProvider} asked for. Thrown at
 * once, before anything is sent.
 */
public class ChaskiServiceUnavailableException extends ChaskiRemoteException {

	/** @param message which service */
	public ChaskiServiceUnavailableException(String message) {
		super(message);
	}

}
