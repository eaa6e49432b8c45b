/**
 * Table names, schemas with column comments, and Delta reads and writes. This is the only package that knows where
 * tables live: stages receive and return Datasets, and {@link dev.onetoone.io.Warehouse} reads their inputs and writes
 * their outputs (overwrite of one as-of date with {@code replaceWhere}, insert-only MERGE for append-once facts,
 * upsert MERGE for master data).
 */
package dev.onetoone.io;
