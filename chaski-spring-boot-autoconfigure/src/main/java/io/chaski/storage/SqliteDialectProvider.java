package io.chaski.storage;

import java.util.Locale;
import java.util.Optional;

import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.data.relational.core.dialect.Dialect;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Lets Spring Data JDBC find {@link SqliteDialect} for any SQLite database (registered in
 * {@code META-INF/spring.factories}), so an application's own SQLite repositories work beside Chaski's.
 */
public class SqliteDialectProvider implements DialectResolver.JdbcDialectProvider {

	@Override
	public Optional<Dialect> getDialect(JdbcOperations operations) {
		return Optional.ofNullable(operations.execute((ConnectionCallback<Dialect>) connection -> connection
			.getMetaData()
			.getDatabaseProductName()
			.toLowerCase(Locale.ROOT)
			.contains("sqlite") ? SqliteDialect.INSTANCE : null));
	}

}
