package io.chaski.testing;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Collects the log lines of {@code io.chaski} (and Spring Integration's TCP code) during each test, so tests
 * can assert that a failure was logged clearly. Register with {@code @RegisterExtension}.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements BeforeEachCallback, AfterEachCallback {

	private static final String[] LOGGERS = { "io.chaski", "org.springframework.integration.ip" };

	private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

	@Override
	protected void append(ILoggingEvent event) {
		this.events.add(event);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.events.clear();
		start();
		for (String name : LOGGERS) {
			((Logger) LoggerFactory.getLogger(name)).addAppender(this);
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		for (String name : LOGGERS) {
			((Logger) LoggerFactory.getLogger(name)).detachAppender(this);
		}
		stop();
	}

	/**
	 * @param level the lowest level
	 * @return formatted messages at that level or above, oldest first
	 */
	public List<String> messages(Level level) {
		return this.events.stream().filter(event -> event.getLevel().isGreaterOrEqual(level))
			.map(ILoggingEvent::getFormattedMessage).toList();
	}

	/**
	 * @param text a fragment
	 * @return whether a WARN or ERROR line contains it
	 */
	public boolean hasWarning(String text) {
		return messages(Level.WARN).stream().anyMatch(message -> message.contains(text));
	}

	/** @return lines at any level that carry a stack trace */
	public List<String> withStackTraces() {
		return this.events.stream().filter(event -> event.getThrowableProxy() != null)
			.map(event -> event.getLoggerName() + ": " + event.getFormattedMessage()).toList();
	}

	/** @return ERROR lines logged by io.chaski code or about a failed message dispatch */
	public List<String> errors() {
		return this.events.stream().filter(event -> event.getLevel() == Level.ERROR)
			.map(event -> event.getLoggerName() + ": " + event.getFormattedMessage()).toList();
	}

}
