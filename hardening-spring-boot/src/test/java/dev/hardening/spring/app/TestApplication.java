package dev.hardening.spring.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A Spring Boot application with no hardening wiring: only a controller. */
@SpringBootApplication
public class TestApplication {

    /** What a protected endpoint sees. */
    @RestController
    public static class MeController {
        /**
         * @param jwt the authenticated token
         * @return its subject, audience and authorities
         */
        @GetMapping("/api/v1/me")
        public Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sub", jwt.getSubject());
            out.put("aud", jwt.getAudience());
            out.put("exp", jwt.getExpiresAt() == null ? null : jwt.getExpiresAt().getEpochSecond());
            TreeSet<String> authorities = new TreeSet<>();
            for (GrantedAuthority a : SecurityContextHolder.getContext().getAuthentication().getAuthorities()) {
                authorities.add(a.getAuthority());
            }
            out.put("authorities", authorities);
            return out;
        }
    }

    /** A plain endpoint. */
    @RestController
    public static class HelloController {
        /** @return {@code ok} */
        @GetMapping("/hello")
        public String hello() {
            return "ok";
        }
    }

    /** A webhook receiver that records what it was given. */
    @RestController
    public static class HookController {
        /** Every body the handler received, in order. */
        public static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

        /**
         * @param body the raw body
         * @return 204
         */
        @PostMapping("/webhooks/github")
        public ResponseEntity<Void> github(@RequestBody String body) {
            RECEIVED.add(body);
            return ResponseEntity.noContent().build();
        }
    }
}
