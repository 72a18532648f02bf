package com.example.chaski;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.chaski.streamer.ChaskiMessage;

/**
 * The functional style: a {@code Consumer} bean, bound to the alerts topic by
 * {@code chaski.bindings.alertLog.topics} in application.properties.
 */
@Configuration(proxyBeanMethods = false)
class AlertConfiguration {

	private static final Logger log = LoggerFactory.getLogger(AlertConfiguration.class);

	@Bean
	Consumer<ChaskiMessage<Alert>> alertLog() {
		return message -> log.warn("ALERT from node {}: {} reports {} °C (threshold {})",
				message.payload().noticedBy(), message.payload().reading().sensor(),
				message.payload().reading().celsius(), message.payload().threshold());
	}

}
