package dev.hardening.samples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The reference service of SAMPLE.md on Spring Boot. Everything the hardening starter does is
 * configured in {@code application.yml}, which maps SAMPLE.md's environment variables onto the
 * starter's properties; this class holds only what any Spring resource server writes: the
 * application and its security chain.
 */
@SpringBootApplication
public class SpringService {

    /**
     * Starts the service. A startup report with a FAIL line in production exits with status 78
     * (the starter's {@code StartupRefusedException}); nothing listens then.
     *
     * @param args Spring Boot's command line arguments (the service takes its settings from the environment)
     */
    public static void main(String[] args) {
        SpringApplication.run(SpringService.class, args);
    }

    /**
     * {@code /api/**} needs an access token, verified by the decoder the starter provides; every
     * other route (probes, metrics, webhooks, the dev token endpoint, unknown paths that answer 404)
     * is open. Bearer tokens only: no session, no CSRF token.
     *
     * @param http Spring Security's builder
     * @return the chain
     * @throws Exception as Spring Security's builder declares
     */
    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(a -> a.requestMatchers("/api/**").authenticated().anyRequest().permitAll())
                .oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .build();
    }
}
