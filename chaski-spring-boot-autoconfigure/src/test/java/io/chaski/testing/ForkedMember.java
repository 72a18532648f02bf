package io.chaski.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The parent's side of a {@link MemberProcess}: starts it, reads its protocol lines on a thread of its own (each
 * stamped with {@link System#nanoTime()} on arrival), sends it commands and kills it with SIGKILL.
 */
public final class ForkedMember implements AutoCloseable {

	private final String name;

	private final Process process;

	private final Writer commands;

	private final CompletableFuture<String[]> ready = new CompletableFuture<>();

	private final List<Line> lines = new CopyOnWriteArrayList<>();

	/**
	 * @param name node name
	 * @param topic its only subscription
	 * @param seed {@code host:port} of a seed, or {@code null}
	 */
	public ForkedMember(String name, String topic, String seed) {
		this.name = name;
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		try {
			this.process = MemberProcess.command(java, name, topic, seed).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.commands = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::read, name + "-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * @param timeout longest wait for the process to start its node
	 * @return this
	 */
	public ForkedMember awaitReady(Duration timeout) {
		try {
			this.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return this;
		}
		catch (Exception ex) {
			throw new IllegalStateException(this.name + " did not start within " + timeout, ex);
		}
	}

	/** @return its node id (after {@link #awaitReady}) */
	public UUID id() {
		return UUID.fromString(this.ready.join()[1]);
	}

	/** @return {@code host:port} of its node (after {@link #awaitReady}) */
	public String address() {
		return this.ready.join()[2];
	}

	/** @param command a line for its stdin */
	public void send(String command) {
		try {
			this.commands.write(command + "\n");
			this.commands.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * @param text a protocol line without the prefix, e.g. {@code event DEAD <id>}
	 * @return when it arrived ({@link System#nanoTime()}), or -1 if it has not
	 */
	public long seen(String text) {
		return this.lines.stream().filter(line -> line.text.equals(text)).mapToLong(Line::nanos).findFirst()
			.orElse(-1);
	}

	/**
	 * @param prefix the start of protocol lines
	 * @return the last that arrived, without the prefix, or {@code null}
	 */
	public String last(String prefix) {
		String found = null;
		for (Line line : this.lines) {
			if (line.text.startsWith(prefix)) {
				found = line.text.substring(prefix.length());
			}
		}
		return found;
	}

	/**
	 * @param prefix the start of protocol lines
	 * @return how many arrived
	 */
	public long count(String prefix) {
		return this.lines.stream().filter(line -> line.text.startsWith(prefix)).count();
	}

	/** Kills it with SIGKILL: no shutdown hook runs, no goodbye is sent. */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		kill();
	}

	private void read() {
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = out.readLine(); line != null; line = out.readLine()) {
				if (line.startsWith(MemberProcess.PREFIX)) {
					String text = line.substring(MemberProcess.PREFIX.length());
					this.lines.add(new Line(text, System.nanoTime()));
					if (text.startsWith("ready ")) {
						this.ready.complete(text.split(" "));
					}
				}
			}
		}
		catch (IOException ex) {
			// the stream ends when the process dies
		}
		this.ready.completeExceptionally(new IllegalStateException(this.name + " exited"));
	}

	private record Line(String text, long nanos) {
	}

}
