package io.chaski.autoconfigure.app;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An entity of the application's own database.
 *
 * @param id generated id
 * @param item what was ordered
 */
@Table("orders")
public record Order(@Id Long id, String item) {
}
