package io.chaski.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chaski.node.ChaskiNode;
import io.chaski.security.ClusterSecret;
import io.chaski.security.HandshakeProof;
import io.chaski.security.HandshakeProof.Role;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.FrameDecoder;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A hand-driven peer on a plain {@link Socket}: it speaks exactly the bytes a test tells it to, so it can
 * play a well-behaved node, a silent one, a stranger or a malicious one. Nothing happens unless the test
 * calls a method: it does not answer pings on its own.
 */
public final class RawPeer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private final FrameDecoder decoder = new FrameDecoder();

	private final Deque<Envelope> inbox = new ArrayDeque<>();

	private final UUID id;

	/** Every byte written so far, so a test can replay a recorded conversation on another connection. */
	private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

	private long sequence;

	private RawPeer(Socket socket, UUID id) throws IOException {
		this.socket = socket;
		this.id = id;
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/**
	 * @param node the node to dial
	 * @return a raw peer connected to it (no handshake yet)
	 */
	public static RawPeer connect(ChaskiNode node) {
		return connect(node, 0);
	}

	/**
	 * @param node the node to dial
	 * @param receiveBufferBytes a small receive buffer makes the node's writes back up quickly; 0 for default
	 * @return a raw peer connected to it (no handshake yet)
	 */
	public static RawPeer connect(ChaskiNode node, int receiveBufferBytes) {
		return connect(node, receiveBufferBytes, UUID.randomUUID());
	}

	/**
	 * @param node the node to dial
	 * @param id the node id this peer claims (another node's, to play an impostor)
	 * @return a raw peer connected to it (no handshake yet)
	 */
	public static RawPeer connectAs(ChaskiNode node, UUID id) {
		return connect(node, 0, id);
	}

	/**
	 * @param host the host of a node (one in another process, for a benchmark)
	 * @param port its port
	 * @return a raw peer connected to it (no handshake yet)
	 */
	public static RawPeer connect(String host, int port) {
		return connect(host, port, 0, UUID.randomUUID());
	}

	private static RawPeer connect(ChaskiNode node, int receiveBufferBytes, UUID id) {
		return connect(node.address().host(), node.address().port(), receiveBufferBytes, id);
	}

	private static RawPeer connect(String host, int port, int receiveBufferBytes, UUID id) {
		try {
			Socket socket = new Socket();
			if (receiveBufferBytes > 0) {
				socket.setReceiveBufferSize(receiveBufferBytes);
			}
			socket.connect(new InetSocketAddress(host, port), 2000);
			socket.setTcpNoDelay(true);
			return new RawPeer(socket, id);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** @return this peer's node id, as it introduces itself */
	public UUID id() {
		return this.id;
	}

	/** @return a fresh message id */
	public long nextId() {
		return ++this.sequence;
	}

	// ---------------------------------------------------------------- writing

	/**
	 * Writes bytes as they are.
	 * @param bytes the bytes
	 */
	public void sendBytes(byte[] bytes) {
		try {
			this.out.write(bytes);
			this.out.flush();
			this.sent.writeBytes(bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes one well-formed frame carrying the envelopes.
	 * @param envelopes the envelopes
	 */
	public void send(Envelope... envelopes) {
		sendBytes(frame(envelopes));
	}

	/**
	 * Introduces itself as a node with the given topics and waits for the node's HELLO_ACK.
	 * @param name the name to use
	 * @param topics its subscriptions
	 * @return the HELLO_ACK
	 */
	public Envelope handshake(String name, Collection<String> topics) {
		sendHello(helloPayload(name, topics, null));
		return awaitHelloAck();
	}

	/**
	 * Runs the authenticated handshake as a node with the secret would: HELLO with a fresh nonce, checks the
	 * acceptor's proof in the HELLO_ACK, answers AUTH with its own proof.
	 * @param name the name to use
	 * @param topics its subscriptions
	 * @param secret the cluster secret
	 * @return the HELLO_ACK
	 * @throws AssertionError if the node's proof is wrong
	 */
	public Envelope authenticatedHandshake(String name, Collection<String> topics, ClusterSecret secret) {
		byte[] nonce = HandshakeProof.newNonce();
		sendHello(helloPayload(name, topics, nonce));
		Envelope ack = awaitHelloAck();
		byte[] acceptorNonce = field(ack, "nonce");
		if (!HandshakeProof.verify(secret, field(ack, "proof"), Role.ACCEPTOR, nonce, acceptorNonce, this.id,
				ack.origin())) {
			throw new AssertionError("the node's proof does not match the secret");
		}
		sendAuth(HandshakeProof.of(secret, Role.DIALER, nonce, acceptorNonce, this.id, ack.origin()));
		return ack;
	}

	/**
	 * @param name the name to use
	 * @param topics its subscriptions
	 * @param nonce the nonce to offer (base64 in the JSON), or {@code null} for a peer without a secret
	 * @return a HELLO payload introducing this peer
	 */
	public byte[] helloPayload(String name, Collection<String> topics, byte[] nonce) {
		Map<String, Object> hello = new LinkedHashMap<>();
		hello.put("protocol", WireFormat.PROTOCOL_VERSION);
		hello.put("nodeId", this.id.toString());
		hello.put("name", name);
		hello.put("host", "127.0.0.1");
		hello.put("port", 9);
		hello.put("root", false);
		hello.put("subscriptions", List.copyOf(topics));
		if (nonce != null) {
			hello.put("nonce", nonce);
		}
		return JSON.writeValueAsBytes(hello);
	}

	/** @return the node's HELLO_ACK, read within 5 s */
	public Envelope awaitHelloAck() {
		Envelope ack = next(Duration.ofSeconds(5));
		if (ack == null || ack.kind() != EnvelopeKind.HELLO_ACK) {
			throw new AssertionError("expected HELLO_ACK but got " + ack);
		}
		return ack;
	}

	/**
	 * @param proof the AUTH payload (any bytes, to play a peer with a wrong secret)
	 */
	public void sendAuth(byte[] proof) {
		send(Envelope.control(EnvelopeKind.AUTH, this.id, nextId(), proof));
	}

	/**
	 * @param handshake a HELLO or HELLO_ACK
	 * @param name a base64 field of its JSON (nonce, proof)
	 * @return the field's bytes, {@code null} if absent
	 */
	public static byte[] field(Envelope handshake, String name) {
		Object value = JSON.readValue(handshake.payload(), Map.class).get(name);
		return (value != null) ? Base64.getDecoder().decode(value.toString()) : null;
	}

	/** @return every byte this peer has written, for a replay on another connection */
	public byte[] sentBytes() {
		return this.sent.toByteArray();
	}

	/**
	 * Sends a HELLO with an arbitrary payload (for malformed handshakes).
	 * @param payload the HELLO payload
	 */
	public void sendHello(byte[] payload) {
		send(Envelope.control(EnvelopeKind.HELLO, this.id, nextId(), payload));
	}

	/**
	 * Sends one envelope straight to the node, as a peer's direct traffic goes: one hop, no headers, stamped now,
	 * with this peer's next id.
	 * @param kind the kind
	 * @param topic the topic ({@code ""} for none)
	 * @param payload the payload
	 */
	public void send(EnvelopeKind kind, String topic, byte[] payload) {
		send(new Envelope(kind, this.id, nextId(), 1, System.currentTimeMillis(), topic, Map.of(), payload));
	}

	/**
	 * @param topic the topic
	 * @param id the message id
	 * @param hops hops left
	 * @param text the payload as text
	 * @return a PUBLISH envelope from this peer
	 */
	public Envelope publish(String topic, long id, int hops, String text) {
		return new Envelope(EnvelopeKind.PUBLISH, this.id, id, hops, System.currentTimeMillis(), topic,
				Map.of(Envelope.CONTENT_TYPE, "text/plain;charset=UTF-8"), text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @param envelopes envelopes
	 * @return one frame holding them, header included
	 */
	public static byte[] frame(Envelope... envelopes) {
		FrameBuffer buffer = new FrameBuffer(256, Integer.MAX_VALUE);
		try {
			for (Envelope envelope : envelopes) {
				if (!buffer.tryAdd(envelope)) {
					throw new IllegalArgumentException("does not fit one frame: " + envelope);
				}
			}
		}
		catch (WireFormatException ex) {
			throw new IllegalArgumentException(ex);
		}
		buffer.finish();
		return java.util.Arrays.copyOf(buffer.array(), buffer.length());
	}

	/**
	 * @param magic the magic
	 * @param version the version byte
	 * @param bodyLength the announced body length
	 * @return an 8-byte frame header
	 */
	public static byte[] header(int magic, int version, long bodyLength) {
		return new byte[] { (byte) (magic >>> 8), (byte) magic, (byte) version, 0, (byte) (bodyLength >>> 24),
				(byte) (bodyLength >>> 16), (byte) (bodyLength >>> 8), (byte) bodyLength };
	}

	// ---------------------------------------------------------------- reading

	/**
	 * @param timeout how long to wait
	 * @return the next envelope from the node, or {@code null} on timeout
	 * @throws AssertionError if the node closed the connection
	 */
	public Envelope next(Duration timeout) {
		try {
			return receive(timeout);
		}
		catch (IOException ex) {
			throw new AssertionError("connection closed by the node: " + ex, ex);
		}
	}

	/** @return the next envelope, or {@code null} on timeout; an IOException when the connection is gone */
	private Envelope receive(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.inbox.isEmpty()) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return null;
			}
			try {
				this.socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
				readFrame();
			}
			catch (SocketTimeoutException ex) {
				return null;
			}
		}
		return this.inbox.poll();
	}

	/**
	 * Sends a PING (after whatever was sent before it) and waits for its PONG, skipping anything else.
	 * @param timeout how long to wait
	 * @return {@code true} when the PONG came back, {@code false} when the node closed the connection first
	 * @throws AssertionError if neither happens in time
	 */
	public boolean roundTrip(Duration timeout) {
		long id = nextId();
		try {
			send(Envelope.control(EnvelopeKind.PING, this.id, id, null));
		}
		catch (UncheckedIOException ex) {
			return false; // already closed by the node
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				Envelope envelope = receive(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
				if (envelope == null) {
					throw new AssertionError("neither a PONG nor a close within " + timeout);
				}
				if (envelope.kind() == EnvelopeKind.PONG && envelope.id() == id) {
					return true;
				}
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * @param kind the kind wanted
	 * @param timeout how long to wait
	 * @return the next envelope of that kind (others are skipped), or {@code null} on timeout
	 */
	public Envelope next(EnvelopeKind kind, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Envelope envelope = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (envelope == null || envelope.kind() == kind) {
				return envelope;
			}
		}
	}

	/**
	 * Reads (and ignores) whatever the node sends until it closes the connection.
	 * @param timeout how long to wait
	 * @return {@code true} if the node closed the connection in time
	 */
	public boolean awaitClosedByNode(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		byte[] sink = new byte[8192];
		try {
			while (true) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				this.socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
				if (this.in.read(sink) < 0) {
					return true;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true; // reset by the node
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void readFrame() throws IOException {
		byte[] header = new byte[WireFormat.FRAME_HEADER_BYTES];
		this.in.readFully(header);
		int magic = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
		if (magic != WireFormat.MAGIC || (header[2] & 0xFF) != WireFormat.PROTOCOL_VERSION) {
			throw new AssertionError("node sent a bad frame header");
		}
		int length = ((header[4] & 0xFF) << 24) | ((header[5] & 0xFF) << 16) | ((header[6] & 0xFF) << 8)
				| (header[7] & 0xFF);
		byte[] body = new byte[length];
		try {
			// the header has arrived: wait for the rest of the frame without a short timeout
			this.socket.setSoTimeout(10_000);
			this.in.readFully(body);
		}
		catch (EOFException ex) {
			throw new AssertionError("node sent a truncated frame", ex);
		}
		this.decoder.decode(body, this.inbox::add);
	}

	/** Half-closes: the node sees the end of the stream, this side can still read. */
	public void shutdownOutput() {
		try {
			this.socket.shutdownOutput();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing
		}
	}

}
