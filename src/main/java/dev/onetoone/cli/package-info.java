/**
 * The {@code onetoone} command line (picocli). Each subcommand parses options, loads the configuration, calls one
 * runner and prints a one-line summary; exceptions are mapped to exit codes in one place
 * ({@link dev.onetoone.cli.ExitCodes}).
 */
package dev.onetoone.cli;
