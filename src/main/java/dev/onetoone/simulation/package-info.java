/**
 * Simulated customers answering offers, to check offer measurement against a known truth; never imported by the
 * nightly stages. {@link dev.onetoone.simulation.OfferResponseSimulator} lets the customers of a generated sample
 * (their latent parameters from {@link dev.onetoone.generate}) respond to an offers table by the
 * {@link dev.onetoone.simulation.TrueResponse}, the response the simulated customers really have (the offers engine
 * estimates its own, {@link dev.onetoone.offers.ResponseModel}); {@link dev.onetoone.simulation.RandomTargeting}
 * gives the same offers to customers drawn at random, the baseline of the engine's targeting.
 * {@link dev.onetoone.simulation.ClosedLoopExperiment} runs the engine's offers and the random ones through the
 * simulator and offer-results, and {@link dev.onetoone.simulation.PolicyClosedLoop} does the same for off-policy
 * evaluation, so that what was measured can be compared with the truth.
 */
package dev.onetoone.simulation;
