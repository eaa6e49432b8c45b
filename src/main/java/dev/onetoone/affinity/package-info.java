/**
 * Product affinity: for every active customer, the products they are most likely to buy next. Four scorers propose
 * candidates (buy-again timing, ALS collaborative filtering, basket co-occurrence, popularity in the customer's
 * categories); {@link dev.onetoone.affinity.AffinityBlender} blends them into one ranked, diverse list with a reason
 * per item; {@link dev.onetoone.affinity.RankingMetrics} measures rankings against what customers bought next.
 */
package dev.onetoone.affinity;
