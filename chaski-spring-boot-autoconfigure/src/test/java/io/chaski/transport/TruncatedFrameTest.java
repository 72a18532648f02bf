package io.chaski.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.chaski.testing.LogCapture;
import io.chaski.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.chaski.testing.RawPeer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A frame cut short by the end of the stream is the peer's fault when the peer ended the stream, and reported
 * once; it is nobody's when this node closed the connection. The reader is held inside the first frame's
 * handling, so the close is seen before the truncated frame is read, every time: with NIO a peer's end of
 * stream closes the connection on another thread, which once made a truncated frame go unreported.
 */
class TruncatedFrameTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** A whole frame with a 4-byte body, then a header claiming 1000 bytes followed by only 10 of them. */
	private static final byte[] WHOLE_THEN_TRUNCATED = concat(header(WireFormat.MAGIC, WireFormat.PROTOCOL_VERSION, 4),
			new byte[4], header(WireFormat.MAGIC, WireFormat.PROTOCOL_VERSION, 1000), new byte[10]);

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	private final Recorder handler = new Recorder();

	private TcpTransport transport;

	private Socket peer;

	@AfterEach
	void stop() throws IOException {
		this.handler.release.countDown();
		if (this.peer != null) {
			this.peer.close();
		}
		if (this.transport != null) {
			this.transport.stop();
		}
	}

	@Test
	void aTruncatedFrameIsReportedWhenNioSeesThePeersCloseBeforeTheReaderReadsIt() throws IOException {
		Connection connection = connect(TransportMode.NIO);
		this.peer.shutdownOutput();
		await("the peer's end of stream closes the connection").atMost(WAIT)
			.until(() -> this.handler.closed.contains(connection));
		connection.close(); // a cleanup of this node's own after the peer's close: still the peer's fault

		this.handler.release.countDown();
		await("the truncated frame reported").atMost(WAIT).until(() -> !this.handler.rejected.isEmpty());
		assertThat(this.handler.rejected).singleElement().asString().contains("truncated frame body");
		assertThat(this.logs.messages(ch.qos.logback.classic.Level.WARN)).singleElement()
			.asString()
			.contains("truncated frame body: stream ended after 10 of 1000 bytes");
	}

	@ParameterizedTest
	@EnumSource(TransportMode.class)
	void aTruncatedFrameLeftUnreadByACloseOfThisNodesOwnIsNotThePeersFault(TransportMode mode) throws IOException {
		Connection connection = connect(mode);
		connection.close();

		this.handler.release.countDown();
		this.transport.stop(); // waits for the reader to finish
		assertThat(this.handler.closed).containsExactly(connection);
		assertThat(this.handler.rejected).isEmpty();
		assertThat(this.logs.messages(ch.qos.logback.classic.Level.WARN)).isEmpty();
	}

	/**
	 * Starts a transport, connects a peer that sends {@link #WHOLE_THEN_TRUNCATED}, and waits until the node's
	 * reader is held in the handling of the whole frame.
	 */
	private Connection connect(TransportMode mode) throws IOException {
		this.transport = new TcpTransport(
				new TransportSettings("127.0.0.1", 0, 64 * 1024, 16 * 1024, mode, Duration.ofSeconds(5), 50, 8),
				this.handler, "truncated-" + mode);
		this.transport.start();
		this.peer = new Socket(this.transport.localAddress().getAddress(), this.transport.localAddress().getPort());
		OutputStream out = this.peer.getOutputStream();
		out.write(WHOLE_THEN_TRUNCATED);
		out.flush();
		await("the reader holds the whole frame").atMost(WAIT).until(() -> this.handler.holding.getCount() == 0);
		assertThat(this.handler.opened).hasSize(1);
		return this.handler.opened.get(0);
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] all = new byte[length];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, at, part.length);
			at += part.length;
		}
		return all;
	}

	/** Records what the transport reports, and holds the reader in the first frame until released. */
	private static final class Recorder implements TransportHandler {

		final List<Connection> opened = new CopyOnWriteArrayList<>();

		final List<Connection> closed = new CopyOnWriteArrayList<>();

		final List<String> rejected = new CopyOnWriteArrayList<>();

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void opened(Connection connection) {
			this.opened.add(connection);
		}

		@Override
		public void frameReceived(Connection connection, byte[] body) {
			this.holding.countDown();
			try {
				this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void closed(Connection connection) {
			this.closed.add(connection);
		}

		@Override
		public void rejected(String peer, String reason) {
			this.rejected.add(reason);
		}

		@Override
		public void refused(String peer) {
		}

	}

}
