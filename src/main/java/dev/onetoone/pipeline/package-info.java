/**
 * The order of stages in a run and everything around them: run ids, the {@code run_log} table, reading each stage's
 * inputs and writing its outputs through {@link dev.onetoone.io.Warehouse}, and the data-quality gates that stop a
 * run (quarantine share). Stages themselves stay pure functions of Datasets.
 */
package dev.onetoone.pipeline;
