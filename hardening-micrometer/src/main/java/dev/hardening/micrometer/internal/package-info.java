/** Implementation of the meters; not API, never used from outside this module. */
package dev.hardening.micrometer.internal;
