package io.chaski.annotation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.SimpleApplicationEventMulticaster;

import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event's shared type (it spares Spring a type resolution per event) routes events exactly as Spring's own
 * resolution would: to listeners of the event, not to listeners of other events, and a subclass still reaches
 * listeners of the subclass.
 */
class ChaskiMessageEventTest {

	@Test
	void listenersGetTheEventsOfTheirTypeOnly() {
		try (ChaskiNode node = ChaskiNode.builder().name("events").build()) {
			ChaskiStreamer streamer = new ChaskiStreamer(node);
			SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
			MessageEvents messages = new MessageEvents();
			SpecialEvents specials = new SpecialEvents();
			RefreshEvents refreshes = new RefreshEvents();
			multicaster.addApplicationListener(messages);
			multicaster.addApplicationListener(specials);
			multicaster.addApplicationListener(refreshes);
			ChaskiMessage<Object> message = new ChaskiMessage<>("t", "hello", UUID.randomUUID(), 1, Instant.now());
			ChaskiMessageEvent plain = new ChaskiMessageEvent(streamer, message);
			SpecialEvent special = new SpecialEvent(streamer, message);
			multicaster.multicastEvent(plain);
			multicaster.multicastEvent(special);
			multicaster.multicastEvent(plain);
			assertThat(messages.received).containsExactly(plain, special, plain);
			assertThat(specials.received).containsExactly(special);
			assertThat(refreshes.received).isEmpty();
			ChaskiMessageEvent another = new ChaskiMessageEvent(streamer, message);
			assertThat(plain.getResolvableType()).isSameAs(another.getResolvableType());
		}
	}

	static final class SpecialEvent extends ChaskiMessageEvent {

		private static final long serialVersionUID = 1L;

		SpecialEvent(ChaskiStreamer streamer, ChaskiMessage<Object> message) {
			super(streamer, message);
		}

	}

	static final class MessageEvents implements ApplicationListener<ChaskiMessageEvent> {

		final List<Object> received = new ArrayList<>();

		@Override
		public void onApplicationEvent(ChaskiMessageEvent event) {
			this.received.add(event);
		}

	}

	static final class SpecialEvents implements ApplicationListener<SpecialEvent> {

		final List<Object> received = new ArrayList<>();

		@Override
		public void onApplicationEvent(SpecialEvent event) {
			this.received.add(event);
		}

	}

	static final class RefreshEvents implements ApplicationListener<ContextRefreshedEvent> {

		final List<Object> received = new ArrayList<>();

		@Override
		public void onApplicationEvent(ContextRefreshedEvent event) {
			this.received.add(event);
		}

	}

}
