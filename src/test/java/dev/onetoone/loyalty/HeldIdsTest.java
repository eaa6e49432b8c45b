package dev.onetoone.loyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.SparkSessions;
import dev.onetoone.testing.SparkTestSupport;

/** The ledger's ids are laid out once a night, and each step's anti-join against them shuffles only its drafts. */
class HeldIdsTest extends SparkTestSupport {

    @Test
    void anEntryIsFreshWhenTheLedgerDoesNotHoldItsId() {
        Dataset<Row> ledger = spark().sql("select * from values ('a', 1), ('b', 2), ('c', 3) as t(entry_id, points)");
        Dataset<Row> drafts = spark().sql("select * from values ('b', 20), ('d', 40), ('d', 41) as t(entry_id, points)");

        List<Row> fresh = LoyaltyNight.unheld(drafts, LoyaltyNight.heldIds(ledger)).orderBy("points").collectAsList();

        // b is held; both d rows are kept (the repeats of a step's ids are fresh()'s guard, not the anti-join's).
        assertEquals(List.of("d:40", "d:41"), fresh.stream().map(row -> row.getString(0) + ":" + row.getInt(1)).toList());
    }

    @Test
    void theAntiJoinShufflesTheDraftsAndNotTheHeldIdsUnderAdaptiveExecution() {
        try (var adaptive = SparkSessions.setUntilClosed(spark(), "spark.sql.adaptive.enabled", "true")) {
            theAntiJoinShufflesTheDraftsAndNotTheHeldIds();
        }
    }

    @Test
    void theAntiJoinShufflesTheDraftsAndNotTheHeldIds() {
        Dataset<Row> ledger = spark().range(1000).selectExpr("cast(id as string) as entry_id", "id as points");
        Dataset<Row> drafts = spark().range(990, 1010).selectExpr("cast(id as string) as entry_id", "id as points");
        // At a night's sizes neither side is small enough to broadcast; here the sizes are a test's.
        try (var noBroadcast = SparkSessions.setUntilClosed(spark(), "spark.sql.autoBroadcastJoinThreshold", "-1")) {
            Dataset<Row> fresh = LoyaltyNight.unheld(drafts, LoyaltyNight.heldIds(ledger));

            assertEquals(10, fresh.count(), "ids 1000 to 1009 are not held");
            assertEquals(1, exchanges(fresh.queryExecution().executedPlan()),
                    "one shuffle, of the drafts:\n" + fresh.queryExecution().executedPlan());
            // Without the layout, the same join shuffles both sides.
            assertEquals(2, exchanges(LoyaltyNight.unheld(drafts, ledger.select("entry_id")).queryExecution().executedPlan()));
        }
    }

    private static int exchanges(SparkPlan plan) {
        if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            return exchanges(adaptive.executedPlan());
        }
        if (plan instanceof QueryStageExec stage) {
            return exchanges(stage.plan());
        }
        int own = plan instanceof ShuffleExchangeExec ? 1 : 0;
        int below = 0;
        for (SparkPlan child : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
            below += exchanges(child);
        }
        return own + below;
    }
}
