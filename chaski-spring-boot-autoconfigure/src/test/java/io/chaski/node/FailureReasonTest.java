package io.chaski.node;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import io.chaski.transport.TransportException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reason member links log for a failed attempt is the innermost cause in a few words.
 */
class FailureReasonTest {

	@Test
	void aRefusedConnectionReadsConnectionRefused() {
		Throwable failure = new CompletionException(new TransportException(
				"Cannot connect to 127.0.0.1:7700: ConnectException: Connection refused",
				new UncheckedIOException(new ConnectException("Connection refused"))));
		assertThat(MemberLinks.reason(failure)).isEqualTo("Connection refused");
	}

	@Test
	void aTaskRejectedByAStoppingNodeSaysSo() {
		Throwable failure = new TransportException("Cannot connect to 127.0.0.1:7700: RejectedExecutionException",
				new RejectedExecutionException("Task java.lang.Runnable@1 rejected from pool[Shutting down]"));
		assertThat(MemberLinks.reason(failure)).isEqualTo("the node is stopping");
	}

	@Test
	void aTimeoutNamesTheLimits() {
		assertThat(MemberLinks.reason(new TimeoutException()))
			.isEqualTo("no handshake within the connect and handshake timeouts");
	}

	@Test
	void aFailureWithoutMessageGivesItsType() {
		assertThat(MemberLinks.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
	}

}
