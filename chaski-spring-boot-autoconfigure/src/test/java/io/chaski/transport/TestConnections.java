package io.chaski.transport;

import java.util.Arrays;
import java.util.function.Consumer;

import io.chaski.wire.Envelope;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.FrameDecoder;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.Message;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * {@link Connection}s without a socket, for unit tests of the layers above the transport.
 */
public final class TestConnections {

	private TestConnections() {
	}

	/**
	 * @param sink receives every envelope written to the connection, decoded, in order
	 * @return an open connection that decodes what is sent over it
	 */
	public static Connection capturing(Consumer<Envelope> sink) {
		TcpConnection tcp = mock(TcpConnection.class);
		FrameDecoder decoder = new FrameDecoder();
		when(tcp.getConnectionId()).thenReturn("test-connection");
		when(tcp.isOpen()).thenReturn(true);
		when(tcp.getHostAddress()).thenReturn("127.0.0.1");
		when(tcp.getPort()).thenReturn(9);
		doAnswer(invocation -> {
			Message<?> message = invocation.getArgument(0);
			FrameBuffer frame = (FrameBuffer) message.getPayload();
			byte[] body = Arrays.copyOfRange(frame.array(), WireFormat.FRAME_HEADER_BYTES, frame.length());
			synchronized (decoder) {
				try {
					decoder.decode(body, sink);
				}
				catch (WireFormatException ex) {
					throw new AssertionError("the writer sent a malformed frame", ex);
				}
			}
			return null;
		}).when(tcp).send(any());
		return new Connection(tcp, true, () -> {
		});
	}

}
