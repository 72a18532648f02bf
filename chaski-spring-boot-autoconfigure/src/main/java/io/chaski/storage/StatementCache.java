package io.chaski.storage;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the prepared statements of one SQLite connection for reuse. Compiling SQL ({@code sqlite3_prepare}) is
 * most of the cost of a small put or get, and neither HikariCP nor sqlite-jdbc caches statements; Spring's
 * templates prepare and close one per call. A statement handed out here ignores {@code close()} (its parameters
 * are cleared instead) until the connection closes. Safe because the pool has one connection, used by one
 * thread at a time.
 */
final class StatementCache implements InvocationHandler {

	/** Chaski's storage runs a handful of distinct statements; the bound only guards against misuse. */
	private static final int CAPACITY = 64;

	private final Connection connection;

	private final Map<String, Cached> statements = new LinkedHashMap<>(16, 0.75f, true) {

		private static final long serialVersionUID = 1L;

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
			if (size() > CAPACITY) {
				closeQuietly(eldest.getValue().statement());
				return true;
			}
			return false;
		}

	};

	private StatementCache(Connection connection) {
		this.connection = connection;
	}

	/**
	 * @param connection a physical connection
	 * @return the same connection, caching the statements {@code prepareStatement(String)} makes
	 */
	static Connection wrap(Connection connection) {
		return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new StatementCache(connection));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		String name = method.getName();
		if (name.equals("prepareStatement") && (args.length == 1 || isPlainQuery(args))) {
			return prepare((String) args[0]);
		}
		if (name.equals("close")) {
			this.statements.values().forEach(cached -> closeQuietly(cached.statement()));
			this.statements.clear();
		}
		else if (name.equals("unwrap") || name.equals("isWrapperFor")) {
			return method.invoke(this.connection, args);
		}
		return call(this.connection, method, args);
	}

	/** {@code prepareStatement(sql, TYPE_FORWARD_ONLY, CONCUR_READ_ONLY)} is what a plain one makes anyway. */
	private static boolean isPlainQuery(Object[] args) {
		return args.length == 3 && args[1] instanceof Integer type && type == ResultSet.TYPE_FORWARD_ONLY
				&& args[2] instanceof Integer concurrency && concurrency == ResultSet.CONCUR_READ_ONLY;
	}

	private synchronized PreparedStatement prepare(String sql) throws SQLException {
		Cached cached = this.statements.get(sql);
		if (cached == null || cached.statement().isClosed()) {
			cached = new Cached(this.connection.prepareStatement(sql));
			this.statements.put(sql, cached);
		}
		return cached.handle();
	}

	/**
	 * A statement and the handle given out for it, made once: a proxy per call cost a noticeable part of a get.
	 * @param statement the real statement
	 * @param handle the same statement, whose {@code close()} only clears its parameters
	 */
	private record Cached(PreparedStatement statement, PreparedStatement handle) {

		Cached(PreparedStatement statement) {
			this(statement, (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
					new Class<?>[] { PreparedStatement.class }, (p, method, args) -> switch (method.getName()) {
						case "close" -> {
							statement.clearParameters();
							yield null;
						}
						case "isClosed" -> false;
						default -> call(statement, method, args);
					}));
		}

	}

	private static Object call(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static void closeQuietly(PreparedStatement statement) {
		try {
			statement.close();
		}
		catch (SQLException ex) {
			// the connection is going away with it
		}
	}

}
