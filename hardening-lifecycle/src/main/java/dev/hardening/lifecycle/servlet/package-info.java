/**
 * Graceful drain for Jakarta Servlet applications: {@link dev.hardening.lifecycle.servlet.ServletDrain},
 * a request-tracking filter (asynchronous requests included) that answers 503 with
 * {@code Connection: close} once the server stops accepting. {@code jakarta.servlet-api} 6 is a
 * provided dependency: the container supplies it.
 */
package dev.hardening.lifecycle.servlet;
