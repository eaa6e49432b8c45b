/**
 * The nightly benchmark: deterministic generated input in Parquet (a history and one extra day), a full night and a
 * one-day night timed stage by stage through the nightly pipeline, a plain-Spark floor (read, one group-by per
 * customer, write one Delta table) and a DuckDB peer computing the same RFM, and the targets the figures are checked
 * against. Nothing here is used by the nightly job itself.
 */
package dev.onetoone.benchmark;
