package dev.onetoone.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.onetoone.testing.SparkTestSupport;

/**
 * The learner on logged rows simulated from a known logistic response: the engine assumed elasticity 8, the
 * customers respond with elasticity 14, groups are drawn at random with known probabilities (control 0.3,
 * treatment 0.6, explore 0.1 spread uniformly over four steps), and the treatment step depends on the customer
 * (as the engine's choice does). The true coefficients are then: sent 0, sent_x_assumed_shift 14 / 8 = 1.75,
 * baseline_logit 1 and every other customer feature 0.
 */
class ResponseLearnerTest extends SparkTestSupport {
    private static final double PRIOR_ELASTICITY = 8.0;
    private static final double TRUE_ELASTICITY = 14.0;
    private static final double[] STEPS = {0.05, 0.10, 0.15, 0.20};
    private static final int ROWS = 20_000;
    private static Dataset<Row> logged;
    private static List<LearnedResponse> fits;

    @BeforeAll
    static void simulateTheLog() {
        StructType schema = new StructType().add("campaign_id", DataTypes.StringType).add("offer_id", DataTypes.StringType)
                .add("offer_group", DataTypes.StringType).add("assignment_probability", DataTypes.DoubleType)
                .add("p_purchase_with_offer", DataTypes.DoubleType).add("p_purchase_without_offer", DataTypes.DoubleType)
                .add("purchased", DataTypes.BooleanType).add("weeks_since_last", DataTypes.DoubleType)
                .add("repeat_purchase_days", DataTypes.IntegerType).add("p_alive", DataTypes.DoubleType)
                .add("overdue_ratio", DataTypes.DoubleType).add("price_sensitivity", DataTypes.DoubleType)
                .add("offer_response_rate", DataTypes.DoubleType);
        var random = new SplittableRandom(20261126L);
        List<Row> rows = new ArrayList<>();
        for (int index = 0; index < ROWS; index++) {
            double baselineLogit = -2.0 + 0.8 * gaussian(random);
            double pWithout = 1 / (1 + Math.exp(-baselineLogit));
            double sensitivity = random.nextDouble();
            // the engine's choice of step depends on the customer; only the group is randomised
            double chosenStep = sensitivity > 0.5 ? 0.10 : 0.20;
            double draw = random.nextDouble();
            String group;
            double probability;
            double step;
            if (draw < 0.3) {
                group = "control";
                probability = 0.3;
                step = chosenStep;
            } else if (draw < 0.9) {
                group = "treatment";
                probability = 0.6;
                step = chosenStep;
            } else {
                group = "explore";
                probability = 0.1 / STEPS.length;
                step = STEPS[random.nextInt(STEPS.length)];
            }
            double pWithLogged = ResponseModel.probabilityWith(pWithout, ResponseModel.logitShift(PRIOR_ELASTICITY, sensitivity, step, 0));
            boolean sent = !group.equals("control");
            double pTrue = sent ? ResponseModel.probabilityWith(pWithout, ResponseModel.logitShift(TRUE_ELASTICITY, sensitivity, step, 0)) : pWithout;
            boolean purchased = random.nextDouble() < pTrue;
            rows.add(RowFactory.create("c1", "offer-" + index, group, probability, pWithLogged, pWithout, purchased, 20 * random.nextDouble(),
                    random.nextInt(10), random.nextDouble(), 3 * random.nextDouble(), sensitivity, random.nextDouble() * 0.3));
        }
        logged = spark().createDataFrame(rows, schema).persist();
        logged.count();
        fits = new ResponseLearner(PRIOR_ELASTICITY, 1000).fit(logged, List.of("c1", "absent"));
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Test
    void theLearnedElasticityRecoversTheTrueOneWithinTenPercent() {
        LearnedResponse fit = fits.get(0);
        System.out.printf("learned elasticity %.3f (se %.3f), sent %.3f, baseline %.3f, log-loss %.5f vs prior %.5f, auc %.4f vs %.4f%n",
                fit.elasticity(), fit.elasticityStandardError(), fit.sentUplift(), fit.coefficients().get("baseline_logit"), fit.logLossLearned(),
                fit.logLossPrior(), fit.aucLearned(), fit.aucPrior());
        assertTrue(fit.converged());
        assertEquals(TRUE_ELASTICITY, fit.elasticity(), 0.10 * TRUE_ELASTICITY);
        assertEquals(0.0, fit.sentUplift(), 0.25);
        assertEquals(1.0, fit.coefficients().get("baseline_logit"), 0.1);
        assertEquals(0.0, fit.coefficients().get("p_alive"), 0.25);
        // the standard error is what the tolerance rests on: well inside it
        assertTrue(fit.elasticityStandardError() > 0 && fit.elasticityStandardError() < 0.05 * TRUE_ELASTICITY, "se " + fit.elasticityStandardError());
    }

    @Test
    void aFitThatBeatsTheAssumedCurveOnHeldOutRowsIsUsed() {
        LearnedResponse fit = fits.get(0);
        assertEquals(ROWS, fit.outcomes());
        assertEquals(ROWS, fit.sentRows() + fit.withheldRows());
        // a fifth held out, up to the hash's sampling error (sd sqrt(20000 x 0.2 x 0.8) = 57)
        assertEquals(ROWS / 5.0, fit.validationRows(), 300);
        assertTrue(fit.logLossLearned() < fit.logLossPrior(), fit.logLossLearned() + " vs " + fit.logLossPrior());
        assertTrue(fit.used());
        assertEquals(LearnedResponse.LEARNED, fit.reason());
        // the learned shift of a 20% discount to a customer of sensitivity 0.5: 14 x 0.5 x 0.2 = 1.4
        assertEquals(1.4, fit.logitShift(PRIOR_ELASTICITY * 0.5 * 0.2), 0.25);
    }

    @Test
    void withTooFewOutcomesTheAssumedCurveStays() {
        LearnedResponse fit = new ResponseLearner(PRIOR_ELASTICITY, ROWS + 1).fit(logged, List.of("c1", "absent")).get(0);
        assertFalse(fit.fitted());
        assertFalse(fit.used());
        assertEquals(LearnedResponse.TOO_FEW_OUTCOMES, fit.reason());
        assertTrue(fit.coefficients().isEmpty());
        assertNull(fit.elasticity());
        assertEquals(ROWS, fit.outcomes());
    }

    @Test
    void aCampaignWithoutLoggedRowsHasNoOutcomes() {
        LearnedResponse absent = fits.get(1);
        assertEquals("absent", absent.campaignId());
        assertEquals(0, absent.outcomes());
        assertFalse(absent.used());
        assertEquals(LearnedResponse.TOO_FEW_OUTCOMES, absent.reason());
    }
}
