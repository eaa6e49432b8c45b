/**
 * Personalised offers: campaigns read from the campaigns file, candidates per campaign from each customer's own
 * model and product affinities, the discount depth that maximises expected incremental margin within the margin
 * floor, the contact policy, deterministic holdout / control / explore groups, and the budget allocation as a
 * multiple-choice knapsack solved by Lagrangian relaxation with Spark aggregates. Stages here do no I/O; the
 * pipeline's OffersRunner reads their inputs and writes their outputs.
 */
package dev.onetoone.offers;
