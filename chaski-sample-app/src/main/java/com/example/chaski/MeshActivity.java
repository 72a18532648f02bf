package com.example.chaski;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.chaski.annotation.ChaskiMessageEvent;

/**
 * Follows every message through Spring's events ({@link ChaskiMessageEvent}) and logs a summary now and then.
 */
@Component
class MeshActivity {

	private static final Logger log = LoggerFactory.getLogger(MeshActivity.class);

	private static final int SUMMARY_EVERY = 20;

	private final AtomicLong seen = new AtomicLong();

	@EventListener
	void onMessage(ChaskiMessageEvent event) {
		long count = this.seen.incrementAndGet();
		if (count % SUMMARY_EVERY == 0) {
			log.info("{} messages seen on this node so far (latest on '{}')", count, event.getTopic());
		}
	}

}
