/**
 * Recency, frequency and monetary value per customer, scored 1-5 against population quintiles computed with
 * Spark's distributed approximate quantiles, mapped to the usual named segments and to a customer type.
 */
package dev.onetoone.rfm;
