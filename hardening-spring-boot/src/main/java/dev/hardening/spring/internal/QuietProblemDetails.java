package dev.hardening.spring.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Spring MVC's problem documents for its own exceptions (an unknown path, a method or media type
 * the route does not take, a parameter that does not convert, an unreadable body) without anything
 * the client sent: no {@code instance} (the request path) and, instead of Spring's detail ({@code
 * No endpoint GET /x.}, {@code Failed to convert 'ms' with value: 'abc'}), a fixed one per status as
 * the JDK sample words it: 404 {@code no such resource}, 405 {@code use GET} (the methods of the
 * {@code Allow} header), 400 {@code the request is malformed}. The application's own
 * {@link ResponseStatusException} keeps its reason, which the application wrote. Replaces Boot's
 * {@code ProblemDetailsExceptionHandler}, in the same order; backs off when the application has its
 * own {@code ResponseEntityExceptionHandler}. Stateless and thread-safe.
 */
@ControllerAdvice
@Order(0)
public final class QuietProblemDetails extends ResponseEntityExceptionHandler {

    /** Created by the starter. */
    public QuietProblemDetails() {
    }

    /**
     * Spring's answer, rewritten as a plain problem document ({@code type}, {@code title}, {@code status},
     * {@code detail}): not a {@link ProblemDetail}, whose missing {@code instance} Spring MVC would fill
     * with the request path when writing it.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> entity = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (entity == null || !(entity.getBody() instanceof ProblemDetail problem)) {
            return entity;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", problem.getType() == null ? "about:blank" : problem.getType().toString());
        out.put("title", problem.getTitle());
        out.put("status", problem.getStatus());
        out.put("detail", ex instanceof ResponseStatusException && problem.getDetail() != null ? problem.getDetail()
                : detail(entity.getStatusCode(), entity.getHeaders()));
        HttpHeaders answer = new HttpHeaders();
        answer.putAll(entity.getHeaders());
        answer.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(out, answer, entity.getStatusCode());
    }

    static String detail(HttpStatusCode status, HttpHeaders headers) {
        switch (status.value()) {
            case 404:
                return "no such resource";
            case 405:
                Set<HttpMethod> allow = headers.getAllow();
                return allow.isEmpty() ? "method not allowed"
                        : "use " + allow.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
            case 400:
                return "the request is malformed";
            case 406:
                return "no acceptable representation";
            case 413:
                return "request body too large";
            case 415:
                return "unsupported media type";
            default:
                return status.is5xxServerError() ? "the request could not be served" : "the request was refused";
        }
    }
}
