package io.chaski.annotation;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;

import org.springframework.beans.BeansException;
import org.springframework.beans.PropertyValues;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

import io.chaski.remote.ChaskiRemoteRegistry;

/**
 * Injects {@link ChaskiRemote} proxies: into fields after a bean is built, and into constructor parameters through
 * an autowire candidate resolver it installs (wrapping the existing one) when the bean factory is set.
 */
public class ChaskiRemoteAnnotationBeanPostProcessor implements InstantiationAwareBeanPostProcessor, BeanFactoryAware {

	private DefaultListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (beanFactory instanceof DefaultListableBeanFactory listable) {
			this.beanFactory = listable;
			AutowireCandidateResolver existing = listable.getAutowireCandidateResolver();
			if (!(existing instanceof RemoteProxyResolver)) {
				listable.setAutowireCandidateResolver(new RemoteProxyResolver(existing, this));
			}
		}
	}

	@Override
	public PropertyValues postProcessProperties(PropertyValues values, Object bean, String beanName)
			throws BeansException {
		ReflectionUtils.doWithFields(bean.getClass(), field -> inject(bean, beanName, field),
				field -> field.isAnnotationPresent(ChaskiRemote.class));
		return values;
	}

	private void inject(Object bean, String beanName, Field field) {
		if (Modifier.isStatic(field.getModifiers())) {
			throw new BeanCreationException(beanName, "@ChaskiRemote field " + field + " must not be static");
		}
		ReflectionUtils.makeAccessible(field);
		ReflectionUtils.setField(field, bean, proxy(field.getAnnotation(ChaskiRemote.class), field.getType(),
				beanName + "." + field.getName()));
	}

	/**
	 * @param annotation the annotation
	 * @param type the field's or parameter's type, an interface
	 * @param where what is injected, for error messages
	 * @return the proxy
	 */
	Object proxy(ChaskiRemote annotation, Class<?> type, String where) {
		if (this.beanFactory == null) {
			throw new IllegalStateException("@ChaskiRemote needs a DefaultListableBeanFactory");
		}
		String name = this.beanFactory.resolveEmbeddedValue(annotation.value());
		String timeout = this.beanFactory.resolveEmbeddedValue(annotation.timeout());
		ChaskiRemoteRegistry registry = this.beanFactory.getBean(ChaskiRemoteRegistry.class);
		try {
			return StringUtils.hasText(timeout) ? registry.proxy(name, type, parse(timeout))
					: registry.proxy(name, type);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@ChaskiRemote(\"" + name + "\") on " + where + ": " + ex.getMessage(), ex);
		}
	}

	private static Duration parse(String timeout) {
		return DurationFormatterUtils.detectAndParse(timeout.trim());
	}

	/** Answers constructor and method parameters annotated with {@link ChaskiRemote}; defers everything else. */
	private static final class RemoteProxyResolver implements AutowireCandidateResolver {

		private final AutowireCandidateResolver delegate;

		private final ChaskiRemoteAnnotationBeanPostProcessor processor;

		RemoteProxyResolver(AutowireCandidateResolver delegate, ChaskiRemoteAnnotationBeanPostProcessor processor) {
			this.delegate = delegate;
			this.processor = processor;
		}

		@Override
		public Object getSuggestedValue(DependencyDescriptor descriptor) {
			ChaskiRemote remote = descriptor.getAnnotation(ChaskiRemote.class);
			if (remote != null) {
				return this.processor.proxy(remote, descriptor.getDependencyType(), String.valueOf(
						(descriptor.getMethodParameter() != null) ? descriptor.getMethodParameter() : descriptor.getField()));
			}
			return this.delegate.getSuggestedValue(descriptor);
		}

		@Override
		public boolean isAutowireCandidate(BeanDefinitionHolder holder,
				DependencyDescriptor descriptor) {
			return this.delegate.isAutowireCandidate(holder, descriptor);
		}

		@Override
		public boolean isRequired(DependencyDescriptor descriptor) {
			return this.delegate.isRequired(descriptor);
		}

		@Override
		public boolean hasQualifier(DependencyDescriptor descriptor) {
			return this.delegate.hasQualifier(descriptor);
		}

		@Override
		public String getSuggestedName(DependencyDescriptor descriptor) {
			return this.delegate.getSuggestedName(descriptor);
		}

		@Override
		public Object getLazyResolutionProxyIfNecessary(DependencyDescriptor descriptor, String beanName) {
			return this.delegate.getLazyResolutionProxyIfNecessary(descriptor, beanName);
		}

		@Override
		public Class<?> getLazyResolutionProxyClass(DependencyDescriptor descriptor, String beanName) {
			return this.delegate.getLazyResolutionProxyClass(descriptor, beanName);
		}

		@Override
		public AutowireCandidateResolver cloneIfNecessary() {
			return new RemoteProxyResolver(this.delegate.cloneIfNecessary(), this.processor);
		}

	}

}
