package dev.franz.common.events;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Made-up orders from a small shop: a few customers, a small catalogue, one to three lines each. The
 * order producer sends them as JSON, the schema lesson as Avro: the same orders in both formats.
 */
public final class OrderGenerator {

    private record Product(String sku, BigDecimal price) {
    }

    private static final List<Product> CATALOGUE = List.of(
            new Product("BOOK-42", new BigDecimal("12.50")),
            new Product("MUG-7", new BigDecimal("8.90")),
            new Product("LAMP-3", new BigDecimal("49.00")),
            new Product("CHAIR-1", new BigDecimal("129.00")),
            new Product("DESK-2", new BigDecimal("349.00")));

    private final Random random;
    private final Clock clock;
    private final int customers;

    public OrderGenerator(Random random, Clock clock, int customers) {
        this.random = random;
        this.clock = clock;
        this.customers = customers;
    }

    public Order next() {
        int lines = 1 + random.nextInt(3);
        List<OrderItem> items = new ArrayList<>();
        BigDecimal amount = BigDecimal.ZERO;
        for (int i = 0; i < lines; i++) {
            Product product = CATALOGUE.get(random.nextInt(CATALOGUE.size()));
            int quantity = 1 + random.nextInt(3);
            items.add(new OrderItem(product.sku(), quantity, product.price()));
            amount = amount.add(product.price().multiply(BigDecimal.valueOf(quantity)));
        }
        String orderId = "ord-" + Long.toHexString(random.nextLong() & 0xffff_ffff_ffffL);
        String customerId = "cust-" + (1 + random.nextInt(customers));
        return new Order(orderId, customerId, items, amount, "EUR", clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }
}
