package io.chaski.autoconfigure.app;

import org.springframework.data.repository.CrudRepository;

/** The application's own repository. */
public interface OrderRepository extends CrudRepository<Order, Long> {
}
