package dev.hardening.samples.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The service's own routes under {@code /api/v1}; Spring Security has verified the token before they run. */
@RestController
@RequestMapping("/api/v1")
class ApiController {

    /** The longest {@code /work} hold SAMPLE.md allows. */
    static final long MAX_WORK_MS = 60_000;

    /**
     * @param jwt the verified access token
     * @return {@code sub} ({@code client_id} for a client-credentials token without one), {@code iss}, {@code aud}, {@code exp}
     */
    @GetMapping("/me")
    Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
        Map<String, Object> out = new LinkedHashMap<>();
        String sub = jwt.getSubject() != null ? jwt.getSubject() : jwt.getClaimAsString("client_id");
        out.put("sub", sub);
        out.put("iss", jwt.getClaimAsString("iss"));
        out.put("aud", jwt.getAudience());
        out.put("exp", jwt.getExpiresAt() == null ? null : jwt.getExpiresAt().getEpochSecond());
        return out;
    }

    /**
     * Holds the request for {@code ms} milliseconds (for drain tests).
     *
     * @param ms 0 to 60000
     * @return {@code {"worked_ms":N}}
     * @throws InterruptedException if the thread is interrupted while holding
     */
    @GetMapping("/work")
    Map<String, Object> work(@RequestParam(name = "ms", defaultValue = "0") long ms) throws InterruptedException {
        if (ms < 0 || ms > MAX_WORK_MS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "ms: 0 to " + MAX_WORK_MS);
        }
        TimeUnit.MILLISECONDS.sleep(ms); // the work itself: SAMPLE.md's /work holds the request N ms
        return Map.of("worked_ms", ms);
    }
}
