package io.chaski.node;

import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.chaski.support.LogSafe;

/**
 * The payload of HELLO and HELLO_ACK envelopes (JSON): who the sender is and where it listens, and with a
 * cluster secret the sender's nonce and (in a HELLO_ACK) its proof. Without a secret both are absent, so the
 * payload is what nodes without secret support send.
 *
 * @param protocol the sender's protocol version
 * @param nodeId the sender's id
 * @param name the sender's name
 * @param host the host the sender advertises
 * @param port the port the sender listens on
 * @param root whether the sender is a root node
 * @param subscriptions the sender's topics
 * @param nonce the sender's fresh nonce (base64 in JSON) when it has a cluster secret, else {@code null}
 * @param proof the acceptor's proof of the cluster secret in a HELLO_ACK, else {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Handshake(int protocol, UUID nodeId, String name, String host, int port, boolean root,
		Set<String> subscriptions, byte[] nonce, byte[] proof) {

	/** A handshake without authentication. */
	Handshake(int protocol, UUID nodeId, String name, String host, int port, boolean root,
			Set<String> subscriptions) {
		this(protocol, nodeId, name, host, port, root, subscriptions, null, null);
	}

	/**
	 * @param nonceValue this side's nonce, or {@code null}
	 * @param proofValue this side's proof, or {@code null}
	 * @return this handshake carrying them
	 */
	Handshake withAuthentication(byte[] nonceValue, byte[] proofValue) {
		return new Handshake(this.protocol, this.nodeId, this.name, this.host, this.port, this.root,
				this.subscriptions, nonceValue, proofValue);
	}

	/** Peer-supplied fields are escaped: this text goes into log lines and exception messages. */
	@Override
	public String toString() {
		return "Handshake[protocol=" + this.protocol + ", nodeId=" + this.nodeId + ", name=" + LogSafe.of(this.name)
				+ ", host=" + LogSafe.of(this.host) + ", port=" + this.port + ", root=" + this.root + ", subscriptions="
				+ LogSafe.of(this.subscriptions) + ", nonce=" + ((this.nonce != null) ? "present" : "none") + "]";
	}

}
