package io.chaski.membership;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;

/**
 * A {@link ListenerCheck} that opens a TCP connection to the member's advertised node address and closes it at
 * once, sending nothing (the node drops a connection that never handshakes).
 */
public final class TcpListenerCheck implements ListenerCheck {

	@Override
	public boolean refused(Member member, Duration timeout) {
		MemberMetadata metadata = member.metadata();
		if (metadata.tcpPort() <= 0 || metadata.tcpPort() > 65_535 || metadata.tcpHost().isEmpty()) {
			return false;
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(metadata.tcpHost(), metadata.tcpPort()),
					(int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
			return false;
		}
		catch (ConnectException ex) {
			// only ECONNREFUSED proves that nothing listens; unreachable networks and OS timeouts do not
			return ex.getMessage() != null && ex.getMessage().toLowerCase(Locale.ROOT).contains("refused");
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

}
