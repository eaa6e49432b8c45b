/**
 * The per-customer behavioural models. The numerical core is plain Java with no Spark dependency: the BG/NBD
 * and Pareto/NBD purchase-and-dropout models and the Gamma-Gamma spend model, evaluated per customer in log
 * space on the usual (x, t_x, T) and (x, m) summaries so that heavy buyers and extreme parameters stay finite;
 * the special functions they need (log-gamma, digamma, a rescaled Gauss 2F1 series, log-space tanh-sinh
 * quadrature); and an L-BFGS maximum-likelihood fitter that works on log-parameters through a
 * {@link dev.onetoone.model.LogLikelihoodObjective}, with mergeable {@link dev.onetoone.model.ValueAndGradient}
 * partial sums and standard errors from a numerical observed information. The Spark side is kept to a few
 * classes: {@link dev.onetoone.model.CustomerStateStep} (sufficient statistics folded night by night),
 * {@link dev.onetoone.model.DistributedObjective} and {@link dev.onetoone.model.PopulationFitter} (the likelihood
 * summed by Spark, optimised on the driver), {@link dev.onetoone.model.CustomerScorer} (per-customer posterior
 * quantities) and {@link dev.onetoone.model.PreferenceStep} (time-decayed preferences).
 */
package dev.onetoone.model;
