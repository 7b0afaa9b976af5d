package dev.hardening.spring.internal;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Boot's error path as a problem document: the status of the failed request and its reason phrase,
 * nothing else — no exception, message, path or trace, whatever {@code server.error.*} says. Any
 * method, any {@code Accept}. Stateless and thread-safe.
 */
@Controller
@RequestMapping("${server.error.path:${error.path:/error}}")
public final class ProblemErrorController implements ErrorController {

    /** Created by the starter. */
    public ProblemErrorController() {
    }

    /**
     * @param request the error dispatch of the failed request
     * @return the problem document with the failed request's status (500 when there is none)
     */
    @RequestMapping
    public ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer && (Integer) code >= 400 ? (Integer) code : 500;
        String title = ProblemErrorReportValve.title(status);
        byte[] body = Problems.json(status, title, "http_" + status, title).getBytes(StandardCharsets.UTF_8);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header("Cache-Control", "no-store").body(body);
    }
}
