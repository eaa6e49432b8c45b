/**
 * Parsing and validation of input rows. Each validator turns a {@link dev.onetoone.io.RawInput} into typed rows
 * and a list of reason codes per row ({@link dev.onetoone.ingest.ReasonCodes}); {@link dev.onetoone.ingest.ValidatedRows}
 * splits them into accepted rows and quarantine rows, so that rows read = rows accepted + rows quarantined.
 * Validators are pure functions of Datasets; reading files and writing tables happens in the pipeline.
 */
package dev.onetoone.ingest;
