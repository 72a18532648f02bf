package io.chaski.storage;

import java.sql.ResultSet;
import java.sql.SQLException;

import org.springframework.jdbc.core.RowMapper;

/**
 * Reads a {@link StorageEntry} from a row by column position, for the single-key lookups of the read path: Spring
 * Data's generic entity mapping (property lookups, conversions) cost several times the SQLite read itself.
 */
final class StorageEntryRowMapper implements RowMapper<StorageEntry> {

	/** The columns, in the order this mapper reads them. */
	static final String COLUMNS = "entry_key, entry_value, content_type, expires_at, hlc, origin, deleted";

	@Override
	public StorageEntry mapRow(ResultSet row, int rowNum) throws SQLException {
		return new StorageEntry(row.getString(1), row.getBytes(2), row.getString(3), row.getLong(4), row.getLong(5),
				row.getString(6), row.getInt(7) != 0);
	}

}
