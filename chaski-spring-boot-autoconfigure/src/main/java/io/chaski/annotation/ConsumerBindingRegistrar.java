package io.chaski.annotation;

import java.util.List;
import java.util.function.Consumer;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ResolvableType;

/**
 * Registers a listener for each {@link ConsumerBinding}, converting payloads to the type the consumer declares
 * ({@code Consumer<ChaskiMessage<Reading>>} gets messages with {@code Reading} payloads, {@code Consumer<Reading>}
 * gets the payloads). A binding that names no consumer bean fails startup with the reason.
 */
public class ConsumerBindingRegistrar implements SmartInitializingSingleton, BeanFactoryAware {

	private final List<ConsumerBinding> bindings;

	private ConfigurableListableBeanFactory beanFactory;

	/**
	 * @param bindings the consumers to bind
	 */
	public ConsumerBindingRegistrar(List<ConsumerBinding> bindings) {
		this.bindings = List.copyOf(bindings);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ChaskiListenerRegistry registry = this.beanFactory.getBean(ChaskiListenerRegistry.class);
		for (ConsumerBinding binding : this.bindings) {
			String name = binding.beanName();
			if (!this.beanFactory.containsBean(name)) {
				throw new IllegalStateException("chaski.bindings." + name + " names no bean; declare a "
						+ "Consumer<ChaskiMessage<T>> bean called '" + name + "'");
			}
			ResolvableType consumerType = typeOf(name).as(Consumer.class);
			if (consumerType == ResolvableType.NONE) {
				throw new IllegalStateException("chaski.bindings." + name + " names a bean of type "
						+ typeOf(name) + ", which is not a java.util.function.Consumer");
			}
			PayloadTarget target = PayloadTarget.of(consumerType.getGeneric(0));
			@SuppressWarnings("unchecked")
			Consumer<Object> consumer = this.beanFactory.getBean(name, Consumer.class);
			int concurrency = (binding.concurrency() != null) ? binding.concurrency() : registry.defaultConcurrency();
			registry.register(new ListenerContainer(name, binding.topics(), target.payloadType(), concurrency,
					message -> consumer.accept(target.argument(message))));
		}
	}

	private ResolvableType typeOf(String beanName) {
		ResolvableType declared = this.beanFactory.containsBeanDefinition(beanName)
				? this.beanFactory.getMergedBeanDefinition(beanName).getResolvableType() : ResolvableType.NONE;
		if (declared.resolve() != null && declared.as(Consumer.class) != ResolvableType.NONE) {
			return declared;
		}
		Class<?> actual = this.beanFactory.getType(beanName);
		return (actual != null) ? ResolvableType.forClass(actual) : declared;
	}

}
