package dev.hardening.samples.service;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.DefaultValue;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.Range;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.SecretSetting;

/**
 * Every setting of the reference service, declared once (see SAMPLE.md for the contract). This is
 * the only class of the service that reads the environment; an ArchUnit test holds it to that.
 *
 * @param appEnv             {@code APP_ENV}: production unless {@code dev} or {@code test}
 * @param port               {@code PORT}: 0 picks a free port
 * @param bindAddress        {@code BIND_ADDRESS}
 * @param allowDevOnNetwork  {@code ALLOW_DEV_ON_NETWORK}: lets dev mode bind a non-loopback address
 * @param secretKey          {@code SECRET_KEY} / {@code SECRET_KEY_FILE}: required in production,
 *                           generated once and kept in dev
 */
public record ServiceSettings(
        AppEnvironment appEnv,
        @DefaultValue("8080") @Range(min = 0, max = 65535) int port,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("false") boolean allowDevOnNetwork,
        @SecretSetting(purpose = SecretPurpose.HMAC_KEY, generateInDev = true) Secret secretKey) {

    /**
     * Reads and validates the settings from this process's environment and system properties.
     *
     * @return the bound settings and their findings
     * @throws dev.hardening.config.ConfigException listing every problem
     */
    public static BoundConfig<ServiceSettings> load() {
        return HardeningConfig.fromSystem().bind(ServiceSettings.class);
    }
}
