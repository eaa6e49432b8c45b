/**
 * Measured results of offers: {@link dev.onetoone.results.OfferOutcomes} joins the offers of a period with the
 * transactions in each offer's validity window and sums each campaign's treated and control groups in Spark;
 * {@link dev.onetoone.results.OfferLift} turns those few sums into redemption rate, incremental revenue and margin
 * and a Welch confidence interval, in plain Java. Off-policy evaluation estimates from the same logged offers and
 * outcomes what other policies ({@link dev.onetoone.results.TargetPolicy}) would have earned:
 * {@link dev.onetoone.results.OffPolicyEvaluation} sums the importance-weighted rewards in Spark and
 * {@link dev.onetoone.results.PolicyEstimator} turns the sums into IPS, SNIPS and doubly robust estimates with
 * intervals.
 */
package dev.onetoone.results;
