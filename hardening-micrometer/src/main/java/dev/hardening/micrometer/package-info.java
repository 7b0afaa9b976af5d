/**
 * Micrometer meters for the hardening modules, bound to the application's {@code MeterRegistry}:
 * {@link dev.hardening.micrometer.AuthMetrics}, {@link dev.hardening.micrometer.RateLimitMetrics},
 * {@link dev.hardening.micrometer.LifecycleMetrics} and {@link dev.hardening.micrometer.ConfigMetrics}.
 *
 * <p>Every tag value comes from an enum of the library, a stable reason code, or a name the
 * application configured (an issuer, a limiter name, a webhook name): never a subject, a token, a
 * key id taken from a request, an address or a secret, so the number of meters does not grow with
 * traffic. Durations are measured with the registry's {@code Clock}.
 */
package dev.hardening.micrometer;
