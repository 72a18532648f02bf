package io.chaski.autoconfigure.app;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Configuration;

/** An application with its own database and Spring Data JDBC repository, to run beside Chaski's storage. */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class OrderApplication {

}
