package io.chaski.node;

import io.chaski.transport.Connection;
import io.chaski.wire.Envelope;

/**
 * How an edge stops writing on a connection to its peer (docs/protocol.md 4.2): it sends a HANDOVER there after
 * its last frame, and the node closes the connection once both sides have sent theirs, so that nothing either
 * side wrote on it is left unread.
 */
interface Handover {

	/** @return the envelope that tells the peer nothing more of this node's comes on the connection it arrives on */
	Envelope envelope();

	/**
	 * @param connection a connection this node has stopped writing on: its HANDOVER was sent, or could not be
	 * because the connection failed
	 */
	void done(Connection connection);

}
