package io.chaski.annotation;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.context.event.GenericApplicationListenerAdapter;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.ResolvableType;

import io.chaski.streamer.ChaskiStreamer;

/**
 * Tells whether an application context (or one of its parents, which see its events too) has a listener that
 * would receive a {@link ChaskiMessageEvent}: an {@code @EventListener} method or an {@link ApplicationListener}
 * whose event type accepts it, matched the way Spring's event multicaster matches them. A listener whose type
 * cannot be told counts as one, so the answer errs towards publishing.
 */
final class MessageEventListeners {

	private static final ResolvableType EVENT_TYPE = ResolvableType.forClass(ChaskiMessageEvent.class);

	private MessageEventListeners() {
	}

	/**
	 * @param context the context events are published to
	 * @return whether some listener there would receive a {@link ChaskiMessageEvent}
	 */
	static boolean present(ApplicationContext context) {
		for (ApplicationContext current = context; current != null; current = current.getParent()) {
			if (!(current instanceof AbstractApplicationContext known)) {
				return true; // a context whose listeners cannot be listed: assume someone listens
			}
			for (ApplicationListener<?> listener : known.getApplicationListeners()) {
				if (receives(listener)) {
					return true;
				}
			}
			if (anyListenerBean(known.getBeanFactory())) {
				return true;
			}
		}
		return false;
	}

	/** Listener beans not registered as instances yet (lazy, scoped) are matched by their declared type. */
	private static boolean anyListenerBean(ConfigurableListableBeanFactory beanFactory) {
		for (String name : beanFactory.getBeanNamesForType(ApplicationListener.class, true, false)) {
			if (beanFactory.isSingleton(name) && beanFactory.containsSingleton(name)) {
				if (receives(beanFactory.getBean(name, ApplicationListener.class))) {
					return true;
				}
				continue;
			}
			Class<?> type = beanFactory.getType(name);
			if (type == null || GenericApplicationListener.class.isAssignableFrom(type)
					|| SmartApplicationListener.class.isAssignableFrom(type)) {
				return true; // only an instance could tell
			}
			ResolvableType declared = ResolvableType.forClass(type).as(ApplicationListener.class).getGeneric();
			if (declared.resolve() == null || declared.isAssignableFrom(EVENT_TYPE)) {
				return true;
			}
		}
		return false;
	}

	private static boolean receives(ApplicationListener<?> listener) {
		GenericApplicationListener generic = (listener instanceof GenericApplicationListener known) ? known
				: new GenericApplicationListenerAdapter(listener);
		return generic.supportsEventType(EVENT_TYPE) && generic.supportsSourceType(ChaskiStreamer.class);
	}

}
