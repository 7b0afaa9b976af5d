/**
 * Graceful drain for an embedded Jetty 12 server: {@link dev.hardening.lifecycle.jetty.JettyServerDrain}.
 * Jetty is an optional dependency of hardening-lifecycle; add {@code org.eclipse.jetty:jetty-server}
 * (and, for the request tracker, a Jetty servlet environment such as {@code jetty-ee10-servlet}).
 */
package dev.hardening.lifecycle.jetty;
