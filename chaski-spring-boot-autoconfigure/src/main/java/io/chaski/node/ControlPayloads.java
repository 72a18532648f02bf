package io.chaski.node;

import java.util.Set;

import io.chaski.security.HandshakeProof;
import io.chaski.support.LogSafe;
import io.chaski.wire.WireFormat;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the JSON payloads of control envelopes (handshake, subscriptions) and checks them against
 * the rules of docs/protocol.md. A payload that breaks them is a {@link ProtocolException}.
 */
final class ControlPayloads {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ControlPayloads() {
	}

	/**
	 * Writes and reads a handshake once, so Jackson's first-use set-up (seconds on a loaded machine) happens when a
	 * node is built, not inside a peer's handshake timeout.
	 * @param sample a handshake
	 */
	static void warmUp(Handshake sample) {
		readHandshake(write(sample));
	}

	/**
	 * @param value a handshake or a set of topics
	 * @return its JSON
	 */
	static byte[] write(Object value) {
		return JSON.writeValueAsBytes(value);
	}

	/**
	 * @param payload a HELLO or HELLO_ACK payload
	 * @return the handshake, complete and of this protocol version
	 * @throws ProtocolException if it is not
	 */
	static Handshake readHandshake(byte[] payload) {
		Handshake hello = read(payload, new TypeReference<Handshake>() {
		});
		if (hello == null || hello.protocol() != WireFormat.PROTOCOL_VERSION || hello.nodeId() == null
				|| hello.name() == null || hello.name().isBlank() || hello.host() == null || hello.host().isBlank()
				|| hello.port() < 1 || hello.port() > 65535 || !validTopics(hello.subscriptions())
				|| !validAuthField(hello.nonce()) || !validAuthField(hello.proof())) {
			throw new ProtocolException("incomplete or incompatible handshake " + hello); // toString escapes
		}
		return hello;
	}

	/**
	 * @param payload a SUBSCRIPTIONS payload
	 * @return the sender's complete new set of topics
	 * @throws ProtocolException if it is malformed
	 */
	static Set<String> readSubscriptions(byte[] payload) {
		Set<String> topics = read(payload, new TypeReference<Set<String>>() {
		});
		if (!validTopics(topics)) {
			throw new ProtocolException("malformed SUBSCRIPTIONS: " + LogSafe.of(topics));
		}
		return topics;
	}

	/** A nonce or proof is absent or exactly {@value HandshakeProof#BYTES} bytes. */
	private static boolean validAuthField(byte[] value) {
		return value == null || value.length == HandshakeProof.BYTES;
	}

	private static boolean validTopics(Set<String> topics) {
		return topics != null && topics.stream().allMatch(topic -> topic != null && !topic.isBlank());
	}

	private static <T> T read(byte[] json, TypeReference<T> type) {
		try {
			return JSON.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new ProtocolException("malformed control payload: " + LogSafe.of(ex.getOriginalMessage()));
		}
	}

}
