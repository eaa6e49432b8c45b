package dev.onetoone.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;

/** Checks of a night's product_affinity against its customer_model, shared by the tests that run whole nights. */
public final class AffinityChecks {
    private AffinityChecks() {
    }

    /**
     * product_affinity: every customer with p_alive >= 0.05 has ranks 1..n (n <= 20) and at most 5 new products below
     * them, numbered by new_rank; valid rows; nobody else has any.
     */
    public static void assertEveryActiveCustomerHasARanking(Warehouse warehouse, LocalDate asOf) {
        warehouse.readAsOf(Tables.CUSTOMER_MODEL, asOf).createOrReplaceTempView("m");
        warehouse.readAsOf(Tables.PRODUCT_AFFINITY, asOf).createOrReplaceTempView("a");
        var spark = warehouse.spark();
        long active = spark.sql("select count(*) from m where p_alive >= 0.05").first().getLong(0);
        assertTrue(active > 100, "most generated customers are active: " + active);
        assertEquals(active, spark.sql("select count(distinct customer_id) from a").first().getLong(0));
        assertEquals(0L, spark.sql("select count(*) from a left anti join m on a.customer_id = m.customer_id and m.p_alive >= 0.05")
                .first().getLong(0), "only active customers are ranked");
        var ranks = spark.sql("select customer_id, count(*) n, min(rank) lo, max(rank) hi from a where rank <= 20 group by customer_id")
                .where("n > 20 or lo != 1 or hi != n").count();
        assertEquals(0L, ranks, "ranks run 1..n with n <= 20 for every customer");
        assertEquals(0L, spark.sql("select count(*) from a where (is_repeat and new_rank is not null) or (not is_repeat and new_rank is null) "
                + "or (rank > 20 and (is_repeat or new_rank > 5))").first().getLong(0), "below rank 20 only the best 5 new products");
        assertEquals(0L, spark.sql("select customer_id, count(*) n, max(new_rank) hi from a where not is_repeat group by customer_id")
                .where("hi != n").count(), "new_rank runs 1..n over the new products");
        assertEquals(0L, spark.sql("select count(*) from a where isnan(score) or score <= 0 or score > 1 "
                + "or source not in ('due_repeat', 'similar_customers', 'bought_together', 'popular_in_category') "
                + "or (is_repeat and last_purchase_date is null) or (not is_repeat and (due_date is not null or last_purchase_date is not null))")
                .first().getLong(0), "scores in (0, 1], known sources, history only on repeat items");
        assertEquals(0L, spark.sql("select count(*) from (select customer_id, category, count(*) c from a group by customer_id, category) where c > 8")
                .first().getLong(0), "at most 8 products of one category");
    }
}
