package io.chaski.remote;

/**
 * A remote call got no answer within its timeout ({@code chaski.remote.timeout} or the proxy's own). The call may
 * or may not have run on the provider.
 */
public class ChaskiTimeoutException extends ChaskiRemoteException {

	/** @param message which call, to which node, after how long */
	public ChaskiTimeoutException(String message) {
		super(message);
	}

}
