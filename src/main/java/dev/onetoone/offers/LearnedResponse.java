package dev.onetoone.offers;

import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * One campaign's response learned from its logged outcomes ({@link ResponseLearner}): a row of
 * {@code response_model}. The response to an offer is the logit shift
 * {@code sent_uplift + shift_coefficient x assumed_shift}, where assumed_shift is the shift the assumed curve gives
 * the offer ({@link ResponseModel#logitShift}); the assumed curve itself is {@code 0 + 1 x assumed_shift}.
 *
 * @param campaignId              campaign
 * @param outcomes                logged treatment, explore and control rows with a closed validity window
 * @param purchases               of those, rows whose customer bought the target in the window; null when not counted
 *                                (too few outcomes to fit)
 * @param sentRows                treatment and explore rows among the outcomes
 * @param withheldRows            control rows among the outcomes
 * @param fitted                  whether a regression was fitted
 * @param coefficients            fitted coefficients by feature name, {@link ResponseLearner#INTERCEPT} included
 * @param priorElasticity         offers.response-elasticity
 * @param elasticity              priorElasticity x the coefficient of {@link ResponseLearner#SENT_X_ASSUMED_SHIFT};
 *                                null when not identified
 * @param elasticityStandardError its standard error; null when not available
 * @param validationRows          outcomes held out of the fit
 * @param logLossLearned          weighted log-loss of the fit on the held-out rows; null when not computed
 * @param logLossPrior            weighted log-loss of the assumed response on the same rows
 * @param aucLearned              area under the ROC curve of the fit on the held-out rows
 * @param aucPrior                same for the assumed response
 * @param converged               the fit converged with finite coefficients
 * @param used                    the campaign's offers are priced with this fit
 * @param reason                  learned, too_few_outcomes, no_variation, not_converged or worse_than_prior
 */
public record LearnedResponse(String campaignId, long outcomes, Long purchases, long sentRows, long withheldRows, boolean fitted,
        Map<String, Double> coefficients, double priorElasticity, Double elasticity, Double elasticityStandardError, long validationRows,
        Double logLossLearned, Double logLossPrior, Double aucLearned, Double aucPrior, boolean converged, boolean used, String reason) {
    public static final String LEARNED = "learned";
    public static final String TOO_FEW_OUTCOMES = "too_few_outcomes";
    public static final String NO_VARIATION = "no_variation";
    public static final String NOT_CONVERGED = "not_converged";
    public static final String WORSE_THAN_PRIOR = "worse_than_prior";

    public LearnedResponse {
        coefficients = Map.copyOf(coefficients);
    }

    /** Logit shift of being sent an offer of no assumed effect: the coefficient of {@link ResponseLearner#SENT}. */
    public double sentUplift() {
        return coefficients.getOrDefault(ResponseLearner.SENT, 0.0);
    }

    /** Multiplier of the assumed logit shift: the coefficient of {@link ResponseLearner#SENT_X_ASSUMED_SHIFT}. */
    public double shiftCoefficient() {
        return coefficients.getOrDefault(ResponseLearner.SENT_X_ASSUMED_SHIFT, 0.0);
    }

    /** The learned logit shift of an offer whose assumed shift is {@code assumedShift}. */
    public double logitShift(double assumedShift) {
        return sentUplift() + shiftCoefficient() * assumedShift;
    }

    Column logitShift(Column assumedShift) {
        return functions.lit(sentUplift()).plus(assumedShift.multiply(shiftCoefficient()));
    }
}
