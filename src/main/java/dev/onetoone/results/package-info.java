/**
 * Measured results of offers: {@link dev.onetoone.results.OfferOutcomes} joins the offers of a period with the
 * transactions in each offer's validity window and sums each campaign's treated and control groups in Spark;
 * {@link dev.onetoone.results.OfferLift} turns those few sums into redemption rate, incremental revenue and margin
 * and a Welch confidence interval, in plain Java.
 */
package dev.onetoone.results;
