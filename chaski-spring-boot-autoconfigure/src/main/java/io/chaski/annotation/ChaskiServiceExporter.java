package io.chaski.annotation;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

import io.chaski.remote.ChaskiRemoteRegistry;

/**
 * Registers every {@link ChaskiService} bean in the {@link ChaskiRemoteRegistry} once all singletons exist, that
 * is before the node starts, so that the first handshake already announces them.
 */
public class ChaskiServiceExporter implements SmartInitializingSingleton {

	private static final List<String> NEVER_EXPORTED = List.of("java.", "javax.", "jakarta.", "org.springframework.");

	private final ConfigurableListableBeanFactory beanFactory;

	private final ChaskiRemoteRegistry registry;

	/**
	 * @param beanFactory where the beans are
	 * @param registry where they are registered
	 */
	public ChaskiServiceExporter(ConfigurableListableBeanFactory beanFactory, ChaskiRemoteRegistry registry) {
		this.beanFactory = beanFactory;
		this.registry = registry;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String beanName : this.beanFactory.getBeanNamesForAnnotation(ChaskiService.class)) {
			Object bean = this.beanFactory.getBean(beanName);
			Class<?> targetClass = AopUtils.getTargetClass(bean);
			ChaskiService annotation = AnnotationUtils.findAnnotation(targetClass, ChaskiService.class);
			if (annotation == null) {
				continue;
			}
			String name = this.beanFactory.resolveEmbeddedValue(annotation.value());
			List<Class<?>> types = exported(targetClass, annotation);
			if (types.isEmpty()) {
				throw new BeanInitializationException("@ChaskiService bean '" + beanName + "' (" + targetClass.getName()
						+ ") implements no application interface to export; implement one or name it in types()");
			}
			try {
				this.registry.register(name, bean, types);
			}
			catch (IllegalArgumentException | IllegalStateException ex) {
				throw new BeanInitializationException("@ChaskiService bean '" + beanName + "': " + ex.getMessage(), ex);
			}
		}
	}

	private static List<Class<?>> exported(Class<?> targetClass, ChaskiService annotation) {
		if (annotation.types().length > 0) {
			return Arrays.asList(annotation.types());
		}
		Set<Class<?>> types = new LinkedHashSet<>();
		for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(targetClass)) {
			if (NEVER_EXPORTED.stream().noneMatch(type.getName()::startsWith)) {
				types.add(type);
			}
		}
		return List.copyOf(types);
	}

}
