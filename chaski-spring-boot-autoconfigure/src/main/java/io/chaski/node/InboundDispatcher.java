package io.chaski.node;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.support.RateLimitedLog;
import io.chaski.transport.Connection;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;

/**
 * Decodes the frames a connection receives and routes their envelopes: the handshake to the {@link Handshaker},
 * the node's own control envelopes to where they are handled, everything else to the {@link EnvelopeHandler}
 * registered for its kind. A frame that breaks the protocol closes its connection. This is the receive hot path.
 */
final class InboundDispatcher {

	// the node's category, as before this class was split off, so logging settings keep applying
	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	private final ChaskiNode node;

	private final NodeStats stats;

	private final EdgeRegistry registry;

	private final Handshaker handshaker;

	private final Pinger pinger;

	private final Map<EnvelopeKind, EnvelopeHandler> handlers = new EnumMap<>(EnvelopeKind.class);

	private final List<EnvelopeHandler> frameHandlers = new CopyOnWriteArrayList<>();

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	InboundDispatcher(ChaskiNode node, EdgeRegistry registry, Handshaker handshaker, Pinger pinger) {
		this.node = node;
		this.stats = node.stats();
		this.registry = registry;
		this.handshaker = handshaker;
		this.pinger = pinger;
	}

	/** @see ChaskiNode#registerHandler(EnvelopeKind, EnvelopeHandler) */
	void registerHandler(EnvelopeKind kind, EnvelopeHandler handler) {
		synchronized (this.handlers) {
			if (this.handlers.putIfAbsent(kind, handler) != null) {
				throw new IllegalStateException("a handler for " + kind + " is already registered");
			}
			if (!this.frameHandlers.contains(handler)) {
				this.frameHandlers.add(handler);
			}
		}
	}

	void onFrame(Connection connection, byte[] body) {
		ConnectionState state = this.registry.state(connection);
		if (state == null) {
			return;
		}
		this.stats.framesIn.increment();
		this.stats.bytesIn.add(body.length + WireFormat.FRAME_HEADER_BYTES);
		Edge edge = state.edge;
		if (edge != null) {
			edge.readingFrame = true;
		}
		state.inFrame = true;
		state.lastFrameNanos = System.nanoTime();
		try {
			// the transport hands one connection's frames over one at a time, in order
			int count = state.decoder.decode(body, envelope -> dispatch(connection, state, envelope));
			this.stats.envelopesIn.add(count);
		}
		catch (WireFormatException | ProtocolException ex) {
			this.node.reject(connection, ex.getMessage());
		}
		catch (Throwable ex) {
			// a bug or an exhausted resource: it costs this connection, never the I/O thread other connections need
			this.node.reject(connection, ex);
		}
		finally {
			endOfFrame(connection);
			markData(state);
			state.inFrame = false;
			if (edge != null) {
				edge.readingFrame = false;
			}
		}
	}

	/** Once per frame rather than per envelope: a clock read costs as much as routing a small message. */
	private static void markData(ConnectionState state) {
		Edge edge = state.edge;
		if (state.dataInFrame && edge != null) {
			edge.markData();
		}
		state.dataInFrame = false;
	}

	/** What was accepted before a fault still goes out. */
	private void endOfFrame(Connection connection) {
		for (EnvelopeHandler handler : this.frameHandlers) {
			try {
				handler.endOfFrame();
			}
			catch (Throwable ex) {
				this.node.reject(connection, ex);
			}
		}
	}

	private void dispatch(Connection connection, ConnectionState state, Envelope envelope) {
		if (state.refused) {
			return; // its handshake was refused: nothing else it sent is read
		}
		switch (envelope.kind()) {
			case HELLO -> this.handshaker.onHello(connection, state, envelope);
			case HELLO_ACK -> this.handshaker.onHelloAck(connection, state, envelope);
			case AUTH -> this.handshaker.onAuth(connection, state, envelope);
			default -> {
				Edge edge = state.edge;
				if (edge == null) {
					throw new ProtocolException(envelope.kind() + " before the handshake");
				}
				if (envelope.kind() == EnvelopeKind.HANDOVER) {
					this.handshaker.onHandover(edge, state); // never waits: it is what a waiting connection waits for
					return;
				}
				if (edge.inbound.isReading(connection) || awaitTurn(connection, state, edge)) {
					onEdgeEnvelope(connection, state, edge, envelope);
				}
			}
		}
	}

	/**
	 * The peer's traffic comes on another connection than the one read so far: it is read once that one ended
	 * (the peer's HANDOVER there, or its close), so nothing overtakes what is still unread on it.
	 * @return whether to go on reading this connection: not if it closed meanwhile (an unused duplicate)
	 */
	private boolean awaitTurn(Connection connection, ConnectionState state, Edge edge) {
		boolean inOrder;
		try {
			inOrder = edge.inbound.take(connection, Handshaker.HANDOVER_LIMIT_MILLIS * 1_000_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt(); // the node is stopping
			inOrder = false;
		}
		if (!connection.isOpen()) {
			state.refused = true; // closed while it waited: nothing more from it is read
			return false;
		}
		if (!inOrder) {
			this.warnings.warn("turn", "Node {} reads {} over {} before its other connection ended: messages from it "
					+ "may arrive out of order", this.node.name(), edge, connection);
		}
		return true;
	}

	private void onEdgeEnvelope(Connection connection, ConnectionState state, Edge edge, Envelope envelope) {
		switch (envelope.kind()) {
			case BYE -> {
				// over a duplicate it closes only that connection: a claim on another one cannot end a live edge
				if (edge.connection() == connection) {
					edge.markLeaving();
				}
				connection.close();
			}
			case PING -> this.pinger.answer(edge, envelope);
			case PONG -> this.pinger.onPong(edge, envelope);
			case SUBSCRIPTIONS -> this.handshaker.onSubscriptions(edge, state,
					ControlPayloads.readSubscriptions(envelope.payload()));
			default -> {
				EnvelopeHandler handler = this.handlers.get(envelope.kind());
				state.dataInFrame = true;
				if (handler != null) {
					handler.handle(edge, envelope);
				}
				else {
					log.debug("No handler for {} from {}; ignored", envelope.kind(), edge);
				}
			}
		}
	}

}
