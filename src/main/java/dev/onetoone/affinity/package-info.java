/**
 * Product affinity: for every active customer, the products they are most likely to buy next. Candidate sources
 * (buy-again timing, TIFU-KNN, ALS collaborative filtering, basket co-occurrence, popularity in the customer's
 * categories or overall) each propose a bounded number of products; {@link dev.onetoone.affinity.AffinityRanker}, a
 * classifier trained on the customers' recent past over {@link dev.onetoone.affinity.RankerFeatures}, orders them, and
 * {@link dev.onetoone.affinity.Reasons} says why in plain words. {@link dev.onetoone.affinity.AffinityBlender} keeps
 * the former fixed noisy-OR for comparison and as the fallback of a history too short to learn from;
 * {@link dev.onetoone.affinity.RankingMetrics} measures rankings against what customers bought next.
 */
package dev.onetoone.affinity;
