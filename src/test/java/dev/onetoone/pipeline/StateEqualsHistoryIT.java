package dev.onetoone.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import dev.onetoone.io.Tables;
import dev.onetoone.io.Warehouse;
import dev.onetoone.model.CustomerStateStep;
import dev.onetoone.model.PreferenceSettings;
import dev.onetoone.model.PreferenceStep;
import dev.onetoone.rfm.RfmScoring;
import dev.onetoone.testing.PreferenceHistoryFormula;
import dev.onetoone.testing.RfmHistoryFormula;
import dev.onetoone.testing.SampleNight;
import dev.onetoone.testing.SparkTestSupport;
import dev.onetoone.testing.StateComparison;

/**
 * The shipped sample's night, computed from customer_state, gives the rfm and customer_model preference columns that
 * the queries over every transaction line gave before the state held them; and a state folded night by night gives
 * the same tables as one rebuilt from all lines.
 */
class StateEqualsHistoryIT extends SparkTestSupport {
    private static final LocalDate AS_OF = SampleNight.AS_OF;
    private static final List<String> PREFERENCES = List.of("top_category", "top_category_share", "category_shares",
            "favourite_products", "discount_share", "price_sensitivity", "offer_redemptions", "offer_response_rate",
            "preferred_channel", "preferred_channel_share", "preferred_store", "preferred_day_of_week", "preferred_hour");

    private static Warehouse warehouse() {
        return SampleNight.warehouse();
    }

    private static List<String> rfmColumns() {
        return java.util.Arrays.asList(Tables.RFM.schema().fieldNames());
    }

    private static PreferenceSettings preferenceSettings() {
        var model = SampleNight.context().config().model();
        return new PreferenceSettings(model.preferenceHalfLifeDays(), model.sensitivityPriorLines(),
                PreferenceSettings.defaults().favouriteProducts());
    }

    private static double quantileError() {
        return SampleNight.context().config().rfm().quantileRelativeError();
    }

    @Test
    void theNightsRfmEqualsTheFormulaOverEveryLine() {
        Dataset<Row> stored = warehouse().readAsOf(Tables.RFM, AS_OF);
        Dataset<Row> history = new RfmHistoryFormula(quantileError()).compute(warehouse().read(Tables.TRANSACTIONS), AS_OF);
        assertTrue(stored.count() > 2000, "the sample's customers are scored");
        StateComparison.assertSameRows(history, stored, rfmColumns(), 0.0);
    }

    @Test
    void theNightsPreferencesEqualTheFormulaOverEveryLine() {
        Dataset<Row> stored = warehouse().readAsOf(Tables.CUSTOMER_MODEL, AS_OF);
        Dataset<Row> history = new PreferenceHistoryFormula(preferenceSettings()).compute(warehouse().read(Tables.TRANSACTIONS), AS_OF);
        StateComparison.assertSameRows(history, stored, PREFERENCES, 1e-9);
    }

    @Test
    void aStateFoldedNightByNightGivesTheTablesOfARebuild() {
        Dataset<Row> transactions = warehouse().read(Tables.TRANSACTIONS);
        double halfLife = preferenceSettings().halfLifeDays();
        LocalDate start = AS_OF.minusDays(4);
        Dataset<Row> state = CustomerStateStep.fold(CustomerStateStep.empty(spark()), transactions, null, start, halfLife).localCheckpoint(true);
        for (LocalDate night = start.plusDays(1); !night.isAfter(AS_OF); night = night.plusDays(1)) {
            Dataset<Row> changed = CustomerStateStep.foldChanged(state, transactions, night.minusDays(1), night, halfLife);
            Dataset<Row> kept = state.join(changed.select("customer_id"), state.col("customer_id").equalTo(changed.col("customer_id")), "left_anti");
            state = kept.unionByName(changed).localCheckpoint(true);
        }
        Dataset<Row> rebuilt = warehouse().read(Tables.CUSTOMER_STATE).drop("state_updated_at");
        assertTrue(rebuilt.where(col("state_as_of").equalTo(java.sql.Date.valueOf(AS_OF))).count() == rebuilt.count());
        // state_as_of is the last night that changed a row, so it differs for customers without new lines
        List<String> columns = StateComparison.columns(rebuilt).stream().filter(name -> !name.equals("state_as_of")).toList();
        StateComparison.assertSameRows(rebuilt, state, columns, 1e-12);

        // The measures must be equal. The scores come from approximate quantiles, whose sketch depends on the order in
        // which rows arrive: the folded state arrives in another order than the stored one, so a customer on a cut point
        // may land one score apart; no score may move further.
        Dataset<Row> storedRfm = warehouse().readAsOf(Tables.RFM, AS_OF);
        Dataset<Row> foldedRfm = new RfmScoring(quantileError()).fromState(state, AS_OF);
        List<String> measures = rfmColumns().stream().filter(name -> !name.endsWith("_score") && !name.equals("rfm_cell")
                && !name.equals("segment")).toList();
        StateComparison.assertSameRows(storedRfm, foldedRfm, measures, 0.0);
        for (String score : List.of("r_score", "f_score", "m_score")) {
            long apart = storedRfm.as("a").join(foldedRfm.as("b"), "customer_id")
                    .where(org.apache.spark.sql.functions.abs(col("a." + score).minus(col("b." + score))).gt(1)).count();
            assertEquals(0L, apart, score + " more than one apart");
        }
        StateComparison.assertSameRows(warehouse().readAsOf(Tables.CUSTOMER_MODEL, AS_OF),
                new PreferenceStep(preferenceSettings()).fromState(state, AS_OF), PREFERENCES, 1e-9);
        assertEquals(warehouse().readAsOf(Tables.CUSTOMER_MODEL, AS_OF).count(),
                state.where(col("purchase_days").gt(0)).count());
    }
}
