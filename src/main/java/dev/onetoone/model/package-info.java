/**
 * Numerical core of the per-customer behavioural models, in plain Java with no Spark dependency: the BG/NBD
 * and Pareto/NBD purchase-and-dropout models and the Gamma-Gamma spend model, evaluated per customer in log
 * space on the usual (x, t_x, T) and (x, m) summaries so that heavy buyers and extreme parameters stay finite;
 * the special functions they need (log-gamma, digamma, a rescaled Gauss 2F1 series, log-space tanh-sinh
 * quadrature); and an L-BFGS maximum-likelihood fitter that works on log-parameters through a
 * {@link dev.onetoone.model.LogLikelihoodObjective}, so the data can be summed wherever it lives, with
 * mergeable {@link dev.onetoone.model.ValueAndGradient} partial sums and standard errors from a numerical
 * observed information.
 */
package dev.onetoone.model;
