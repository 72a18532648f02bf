package io.chaski.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;

import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.jdbc.core.dialect.JdbcArrayColumns;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.relational.core.dialect.AnsiDialect;
import org.springframework.data.relational.core.dialect.LimitClause;
import org.springframework.data.relational.core.dialect.LockClause;
import org.springframework.data.relational.core.sql.LockOptions;

/**
 * The Spring Data JDBC dialect for SQLite, which Spring Data does not ship: {@code LIMIT}/{@code OFFSET} instead
 * of ANSI's {@code FETCH FIRST}, no row locks (SQLite locks the whole database), no array columns, and
 * timestamps read back from the epoch milliseconds SQLite stores.
 */
public class SqliteDialect extends AnsiDialect implements JdbcDialect {

	/** The one instance. */
	public static final SqliteDialect INSTANCE = new SqliteDialect();

	private static final LimitClause LIMIT = new LimitClause() {

		@Override
		public String getLimit(long limit) {
			return "LIMIT " + limit;
		}

		@Override
		public String getOffset(long offset) {
			return "LIMIT -1 OFFSET " + offset;
		}

		@Override
		public String getLimitOffset(long limit, long offset) {
			return "LIMIT " + limit + " OFFSET " + offset;
		}

		@Override
		public Position getClausePosition() {
			return Position.AFTER_ORDER_BY;
		}

	};

	private static final LockClause NO_LOCK = new LockClause() {

		@Override
		public String getLock(LockOptions lockOptions) {
			return "";
		}

		@Override
		public Position getClausePosition() {
			return Position.AFTER_ORDER_BY;
		}

	};

	/** Use {@link #INSTANCE}; subclasses may refine it. */
	protected SqliteDialect() {
	}

	@Override
	public LimitClause limit() {
		return LIMIT;
	}

	@Override
	public LockClause lock() {
		return NO_LOCK;
	}

	@Override
	public JdbcArrayColumns getArraySupport() {
		return JdbcArrayColumns.Unsupported.INSTANCE;
	}

	@Override
	public Collection<Object> getConverters() {
		Collection<Object> converters = new ArrayList<>(super.getConverters());
		converters.add(EpochMillisToInstant.INSTANCE);
		return converters;
	}

	/** SQLite hands TIMESTAMP columns back as epoch milliseconds. */
	@ReadingConverter
	enum EpochMillisToInstant implements Converter<Long, Instant> {

		INSTANCE;

		@Override
		public Instant convert(Long source) {
			return Instant.ofEpochMilli(source);
		}

	}

}
