/**
 * Typed, validated configuration. {@link dev.onetoone.config.ConfigLoader} layers the built-in defaults,
 * {@code conf/onetoone.properties}, an optional {@code --conf} file and {@code -D key=value} overrides, checks every
 * key against {@link dev.onetoone.config.ConfigKeys} and turns the result into immutable records; an unknown key or
 * a bad value fails at start-up with a message that names the key.
 */
package dev.onetoone.config;
