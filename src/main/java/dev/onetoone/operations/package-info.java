/**
 * Operating a warehouse safely: the read-only guard of the {@code sql} command, catalog registration of the
 * tables, maintenance (compaction, VACUUM, quarantine retention), data-subject erasure with its audit trail, and
 * the run lock that keeps two writing runs off one warehouse.
 */
package dev.onetoone.operations;
