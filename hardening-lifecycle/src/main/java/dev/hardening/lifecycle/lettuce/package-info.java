/**
 * Closes a Lettuce Redis client within the drain deadline:
 * {@link dev.hardening.lifecycle.lettuce.LettuceClientDrain}. Lettuce is an optional dependency of
 * hardening-lifecycle; add {@code io.lettuce:lettuce-core} to use this package.
 */
package dev.hardening.lifecycle.lettuce;
