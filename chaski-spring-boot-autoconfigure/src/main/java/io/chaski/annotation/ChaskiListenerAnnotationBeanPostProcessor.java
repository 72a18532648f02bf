package io.chaski.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

import io.chaski.files.ReceivedFile;
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.DeliveryPolicy;

/**
 * Finds {@link ChaskiListener} methods on beans and, once every singleton exists, registers a
 * {@link ListenerContainer} for each in the {@link ChaskiListenerRegistry}. Topics and concurrency may be
 * {@code ${...}} placeholders. A method that cannot be a listener fails startup with the reason.
 */
public class ChaskiListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private final List<ListenerMethod> found = new ArrayList<>();

	private ConfigurableBeanFactory beanFactory;

	private ChaskiListenerRegistry registry;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		Map<Method, ChaskiListener> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<ChaskiListener>) method -> AnnotatedElementUtils
					.findMergedAnnotation(method, ChaskiListener.class));
		methods.forEach((method, annotation) -> {
			ListenerMethod listener = describe(bean, beanName, targetClass, method, annotation);
			if (this.registry != null) {
				register(listener); // a bean created after startup (lazy, prototype)
			}
			else {
				this.found.add(listener);
			}
		});
		return bean;
	}

	/** Registers the listeners found so far, once every singleton (and so the registry's streamer) exists. */
	@Override
	public void afterSingletonsInstantiated() {
		this.registry = this.beanFactory.getBean(ChaskiListenerRegistry.class);
		this.found.forEach(this::register);
		this.found.clear();
	}

	private void register(ListenerMethod listener) {
		if (listener.receivesFiles()) {
			new FileListener(listener.id(), listener.topics(), listener::invokeWithFile).attachTo(this.registry.streamer());
			return;
		}
		int concurrency = (listener.concurrency() != null) ? listener.concurrency()
				: this.registry.defaultConcurrency();
		this.registry.register(new ListenerContainer(listener.id(), listener.topics(),
				listener.target().payloadType(), concurrency, listener.deliveryPolicy(), listener::invoke));
	}

	private ListenerMethod describe(Object bean, String beanName, Class<?> targetClass, Method method,
			ChaskiListener annotation) {
		String where = targetClass.getName() + "." + method.getName();
		if (method.getParameterCount() != 1) {
			throw new BeanInitializationException("@ChaskiListener method " + where
					+ " must take exactly one parameter (the payload or a ChaskiMessage<T>) but takes "
					+ method.getParameterCount());
		}
		List<String> topics = Arrays.stream(annotation.topics())
			.map(this::resolve)
			.flatMap(topic -> Arrays.stream(StringUtils.commaDelimitedListToStringArray(topic)))
			.map(String::trim)
			.filter(StringUtils::hasText)
			.distinct()
			.toList();
		if (topics.isEmpty()) {
			throw new BeanInitializationException("@ChaskiListener method " + where + " names no topic");
		}
		String id = StringUtils.hasText(annotation.id()) ? resolve(annotation.id()) : beanName + "." + method.getName();
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		ResolvableType parameter = ResolvableType.forMethodParameter(method, 0, targetClass);
		// a file listener has no payload to convert: the target stays null
		PayloadTarget target = ReceivedFile.class.equals(parameter.resolve()) ? null : PayloadTarget.of(parameter);
		return new ListenerMethod(id, topics, concurrency(annotation.concurrency(), where),
				deliveryPolicy(annotation.deliveryPolicy(), where), target, bean, invocable);
	}

	private DeliveryPolicy deliveryPolicy(String value, String where) {
		String resolved = resolve(value);
		if (!StringUtils.hasText(resolved)) {
			return null;
		}
		try {
			return DeliveryPolicy.valueOf(resolved.trim().replace('-', '_').toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new BeanInitializationException("@ChaskiListener method " + where + " has deliveryPolicy '"
					+ resolved + "'; it must be wait, drop-oldest or drop-newest");
		}
	}

	private Integer concurrency(String value, String where) {
		String resolved = resolve(value);
		if (!StringUtils.hasText(resolved)) {
			return null;
		}
		try {
			int concurrency = Integer.parseInt(resolved.trim());
			if (concurrency >= 1) {
				return concurrency;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new BeanInitializationException("@ChaskiListener method " + where
				+ " has concurrency '" + resolved + "'; it must be a whole number of at least 1");
	}

	private String resolve(String value) {
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		return (resolved != null) ? resolved : value;
	}

	/** A listener method found on a bean, waiting to be registered. */
	private record ListenerMethod(String id, List<String> topics, Integer concurrency, DeliveryPolicy deliveryPolicy,
			PayloadTarget target, Object bean, Method method) {

		boolean receivesFiles() {
			return this.target == null;
		}

		void invokeWithFile(ReceivedFile file) throws Exception {
			try {
				this.method.invoke(this.bean, file);
			}
			catch (InvocationTargetException ex) {
				throw (ex.getCause() instanceof Exception cause) ? cause : ex;
			}
		}

		void invoke(ChaskiMessage<Object> message) throws Exception {
			try {
				this.method.invoke(this.bean, this.target.argument(message));
			}
			catch (InvocationTargetException ex) {
				throw (ex.getCause() instanceof Exception cause) ? cause : ex;
			}
		}

	}

}
