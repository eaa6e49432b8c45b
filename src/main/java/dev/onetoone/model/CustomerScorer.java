package dev.onetoone.model;

import java.io.Serializable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Applies the fitted population priors to each customer's own summary: the individual posterior quantities of
 * BG/NBD, MBG/NBD or Pareto/NBD (P(alive), conditional expected purchases; Fader, Hardie &amp; Lee 2005 eq. 11-13,
 * Batislam, Denizel &amp; Filiztekin 2007 and Schmittlein, Morrison &amp; Colombo 1987), Gamma-Gamma expected spend (Fader, Hardie &amp; Lee 2005b eq. 5),
 * CLV, the customer's own purchase rhythm and a confidence measure. A per-row function: no shuffle, no driver data.
 *
 * <p>Rhythm: the mean and second moment of the customer's gaps between purchase days are shrunk towards the
 * population's with a weight of {@code rhythmPrior} gaps: mean = (Σgap + k·μ_pop) / (x + k). A one-time buyer
 * therefore gets the population rhythm, a customer with 50 gaps essentially their own.
 *
 * <p>CLV: the expected purchases of each of twelve equal steps of the horizon (differences of the conditional
 * expectation), times expected spend and margin, discounted at the annual rate to the end of the step.
 */
public final class CustomerScorer implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int CLV_STEPS = 12;

    /**
     * Everything the per-row function needs, captured by value.
     *
     * @param purchaseModel           the model behind p_alive and expected purchases
     * @param purchaseModelParameters its parameters (equal to {@code bgNbd} when it is BG/NBD)
     */
    public record Inputs(double[] bgNbd, PopulationModel purchaseModel, double[] purchaseModelParameters, double[] gammaGamma,
            double timeUnitDays, int clvHorizonDays, double margin, double annualDiscountRate,
            double rhythmPrior, double populationMeanGap, double populationSecondMomentGap) implements Serializable {
    }

    public static final StructType OUTPUT = new StructType(new StructField[] {
            DataTypes.createStructField("repeat_purchase_days", DataTypes.IntegerType, false),
            DataTypes.createStructField("recency_weeks", DataTypes.DoubleType, false),
            DataTypes.createStructField("age_weeks", DataTypes.DoubleType, false),
            DataTypes.createStructField("p_alive", DataTypes.DoubleType, false),
            DataTypes.createStructField("expected_purchases_30d", DataTypes.DoubleType, false),
            DataTypes.createStructField("expected_purchases_90d", DataTypes.DoubleType, false),
            DataTypes.createStructField("expected_purchases_365d", DataTypes.DoubleType, false),
            DataTypes.createStructField("expected_spend_per_purchase", DataTypes.DoubleType, false),
            DataTypes.createStructField("clv", DataTypes.DoubleType, false),
            DataTypes.createStructField("purchase_rate_per_week", DataTypes.DoubleType, false),
            DataTypes.createStructField("dropout_probability", DataTypes.DoubleType, false),
            DataTypes.createStructField("interpurchase_days_mean", DataTypes.DoubleType, false),
            DataTypes.createStructField("interpurchase_days_sd", DataTypes.DoubleType, false),
            DataTypes.createStructField("expected_next_purchase_date", DataTypes.DateType, false),
            DataTypes.createStructField("days_overdue", DataTypes.IntegerType, false),
            DataTypes.createStructField("overdue_ratio", DataTypes.DoubleType, false),
            DataTypes.createStructField("history_days", DataTypes.IntegerType, false),
            DataTypes.createStructField("confidence", DataTypes.DoubleType, false),
            DataTypes.createStructField("confidence_level", DataTypes.StringType, false),
            DataTypes.createStructField("purchase_model", DataTypes.StringType, false)});

    private final Inputs inputs;
    private final LocalDate asOf;

    public CustomerScorer(Inputs inputs, LocalDate asOf) {
        this.inputs = inputs;
        this.asOf = asOf;
    }

    /**
     * The score of one customer as a struct of {@link #OUTPUT}'s fields, from a struct of the
     * {@link CustomerSummaries#columns} of the same row: the scores computed in the projection that computes other
     * columns of the same customer (the model stage's preferences), so no join brings them together. Each row is
     * scored once however many of the struct's fields are selected: Spark does not inline a user function into each
     * field it is read by. The summary's customer_id names the customer in an error; the result leaves it out, since
     * the row holds it already.
     */
    public Column score(Column summary) {
        final CustomerScorer scorer = this;
        return functions.udf((UDF1<Row, Row>) scorer::scoreRow, OUTPUT).apply(summary);
    }

    Row scoreRow(Row row) {
        String customerId = row.getAs("customer_id");
        int x = row.<Integer>getAs("x");
        double tx = row.<Double>getAs("t_x");
        double age = row.<Double>getAs("t_age");
        double meanRepeatSpend = row.<Double>getAs("mean_repeat_spend");
        double firstDaySpend = row.<Double>getAs("first_day_spend");
        double sumGap = row.<Double>getAs("sum_gap_days");
        double sumSquaredGap = row.<Double>getAs("sum_squared_gap_days");
        LocalDate lastPurchase = row.<Date>getAs("last_purchase_date").toLocalDate();
        int historyDays = row.<Integer>getAs("history_days");
        int daysSinceLast = row.<Integer>getAs("days_since_last");
        double unit = inputs.timeUnitDays();

        var bg = BgNbdParameters.fromArray(inputs.bgNbd());
        double[] horizons = {30 / unit, 90 / unit, 365 / unit};
        double[] expected = new double[3];
        double[] cumulative = new double[CLV_STEPS + 1];
        double stepUnits = inputs.clvHorizonDays() / (double) CLV_STEPS / unit;
        boolean newToday = age <= 0.0;
        PurchaseExpectation expectation = expectation(inputs, x, tx, age);
        double pAlive = expectation.probabilityAlive();
        for (int i = 0; i < horizons.length; i++) {
            expected[i] = expectation.purchases(horizons[i]);
        }
        for (int step = 1; step <= CLV_STEPS; step++) {
            cumulative[step] = expectation.purchases(step * stepUnits);
        }
        // Posterior means; at T = 0 they are the prior means r/alpha and a/(a+b) (MBG/NBD: the limits at T -> 0).
        double ratePerWeek;
        double dropout;
        if (inputs.purchaseModel() == PopulationModel.MBG_NBD) {
            var mbg = MbgNbdParameters.fromArray(inputs.purchaseModelParameters());
            double limitAge = newToday ? Double.MIN_NORMAL : age;
            ratePerWeek = MbgNbd.posteriorMeanPurchaseRate(mbg, x, tx, limitAge) * 7.0 / unit;
            dropout = MbgNbd.posteriorMeanDropoutProbability(mbg, x, tx, limitAge);
        } else {
            ratePerWeek = (newToday ? bg.r() / bg.alpha() : BgNbd.posteriorMeanPurchaseRate(bg, x, tx, age)) * 7.0 / unit;
            dropout = newToday ? bg.a() / (bg.a() + bg.b()) : BgNbd.posteriorMeanDropoutProbability(bg, x, tx, age);
        }
        double spend = expectedSpend(GammaGammaParameters.fromArray(inputs.gammaGamma()), x, meanRepeatSpend, firstDaySpend);
        double clv = 0.0;
        for (int step = 1; step <= CLV_STEPS; step++) {
            double years = step * (inputs.clvHorizonDays() / (double) CLV_STEPS) / 365.0;
            double purchases = Math.max(cumulative[step] - cumulative[step - 1], 0.0);
            clv += purchases * spend * inputs.margin() / Math.pow(1 + inputs.annualDiscountRate(), years);
        }

        double k = inputs.rhythmPrior();
        double gapMean;
        double gapSecondMoment;
        if (x + k > 0) {
            gapMean = (sumGap + k * inputs.populationMeanGap()) / (x + k);
            gapSecondMoment = (sumSquaredGap + k * inputs.populationSecondMomentGap()) / (x + k);
        } else {
            gapMean = inputs.populationMeanGap();
            gapSecondMoment = inputs.populationSecondMomentGap();
        }
        gapMean = Math.max(gapMean, 1.0);
        double gapSd = Math.sqrt(Math.max(gapSecondMoment - gapMean * gapMean, 0.0));
        LocalDate nextPurchase = lastPurchase.plusDays(Math.round(gapMean));
        int daysOverdue = (int) (asOf.toEpochDay() - nextPurchase.toEpochDay());
        double overdueRatio = daysSinceLast / gapMean;

        double shape = inputs.purchaseModelParameters()[0] + x;
        double confidence = Math.min(Math.max(1.0 - 1.0 / Math.sqrt(shape), 0.0), 1.0);
        String level = confidence < 0.3 ? "low" : confidence < 0.65 ? "medium" : "high";

        List<Object> values = new ArrayList<>(List.of(x, tx, age,
                finite(pAlive, "p_alive", customerId), finite(expected[0], "expected_purchases_30d", customerId),
                finite(expected[1], "expected_purchases_90d", customerId), finite(expected[2], "expected_purchases_365d", customerId),
                finite(spend, "expected_spend_per_purchase", customerId), finite(clv, "clv", customerId),
                finite(ratePerWeek, "purchase_rate_per_week", customerId), finite(dropout, "dropout_probability", customerId),
                finite(gapMean, "interpurchase_days_mean", customerId), finite(gapSd, "interpurchase_days_sd", customerId),
                Date.valueOf(nextPurchase), daysOverdue, finite(overdueRatio, "overdue_ratio", customerId), historyDays,
                confidence, level, inputs.purchaseModel().code()));
        return RowFactory.create(values.toArray());
    }

    /** P(alive) and expected purchases of one customer under the configured purchase model. */
    public interface PurchaseExpectation {
        double probabilityAlive();

        /** Expected purchase days in the next {@code duration} time units. */
        double purchases(double duration);
    }

    /**
     * The purchase model's predictions for one customer. A first purchase on the as-of date (T = 0) gets the
     * limits of the conditional quantities: alive, and the unconditional expectation of a just-acquired customer.
     */
    public static PurchaseExpectation expectation(Inputs inputs, int x, double tx, double age) {
        return expectation(inputs.purchaseModel(), inputs.purchaseModelParameters(), x, tx, age);
    }

    /** The predictions of the given purchase model with its parameters for one customer. */
    public static PurchaseExpectation expectation(PopulationModel kind, double[] parameters, int x, double tx, double age) {
        return switch (kind) {
            case BG_NBD -> bgNbdExpectation(parameters, x, tx, age);
            case PARETO_NBD -> paretoNbdExpectation(parameters, x, tx, age);
            case MBG_NBD -> mbgNbdExpectation(parameters, x, tx, age);
            case GAMMA_GAMMA -> throw new IllegalArgumentException("gamma_gamma is not a purchase model");
        };
    }

    /** Pareto/NBD predictions for one customer, with the T = 0 limits. */
    public static PurchaseExpectation paretoNbdExpectation(double[] parameters, int x, double tx, double age) {
        boolean newToday = age <= 0.0;
        var pareto = ParetoNbdParameters.fromArray(parameters);
        return new PurchaseExpectation() {
            public double probabilityAlive() {
                return newToday ? 1.0 : ParetoNbd.probabilityAlive(pareto, x, tx, age);
            }

            public double purchases(double duration) {
                return newToday ? ParetoNbd.expectedPurchases(pareto, duration)
                        : ParetoNbd.conditionalExpectedPurchases(pareto, x, tx, age, duration);
            }
        };
    }

    /**
     * MBG/NBD predictions for one customer. At T = 0 the limits differ from BG/NBD's: the customer may have dropped
     * out right after the first purchase, so P(alive) tends to b/(a+b), and the expectation to the unconditional one.
     */
    public static PurchaseExpectation mbgNbdExpectation(double[] parameters, int x, double tx, double age) {
        boolean newToday = age <= 0.0;
        var mbg = MbgNbdParameters.fromArray(parameters);
        return new PurchaseExpectation() {
            public double probabilityAlive() {
                return newToday ? mbg.b() / (mbg.a() + mbg.b()) : MbgNbd.probabilityAlive(mbg, x, tx, age);
            }

            public double purchases(double duration) {
                return newToday ? MbgNbd.expectedPurchases(mbg, duration) : MbgNbd.conditionalExpectedPurchases(mbg, x, tx, age, duration);
            }
        };
    }

    /** BG/NBD predictions for one customer, with the T = 0 limits. */
    public static PurchaseExpectation bgNbdExpectation(double[] parameters, int x, double tx, double age) {
        boolean newToday = age <= 0.0;
        var bg = BgNbdParameters.fromArray(parameters);
        return new PurchaseExpectation() {
            public double probabilityAlive() {
                return newToday ? 1.0 : BgNbd.probabilityAlive(bg, x, tx, age);
            }

            public double purchases(double duration) {
                return newToday ? BgNbd.expectedPurchases(bg, duration) : BgNbd.conditionalExpectedPurchases(bg, x, tx, age, duration);
            }
        };
    }

    /**
     * Expected spend of a future purchase day: Gamma-Gamma's conditional expectation for repeat buyers, the population
     * mean p·gamma/(q−1) for one-time buyers, and the first day's spend if the population mean is undefined (q ≤ 1).
     */
    public static double expectedSpend(GammaGammaParameters gg, int x, double meanRepeatSpend, double firstDaySpend) {
        if (x >= 1 && meanRepeatSpend > 0) {
            return GammaGamma.conditionalExpectedSpend(gg, x, meanRepeatSpend);
        }
        return gg.q() > 1 ? gg.populationMeanSpend() : Math.max(firstDaySpend, 0.0);
    }

    /** A non-finite model output is a defect, never a value to write: fail the stage naming the customer. */
    private static double finite(double value, String column, String customerId) {
        if (!Double.isFinite(value)) {
            throw new ArithmeticException(column + " is " + value + " for customer " + customerId);
        }
        return value;
    }
}
