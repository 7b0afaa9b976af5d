package dev.hardening.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Spring MVC's own error bodies are problem documents that echo nothing the client sent. */
class QuietProblemDetailsTest {

    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello(@RequestParam(name = "n", defaultValue = "0") int n) {
            return "ok " + n;
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Hello())
            .setControllerAdvice(new QuietProblemDetails()).build();

    @Test
    void aMethodTheRouteDoesNotTakeIs405NamingTheAllowedMethodsNotThePath() throws Exception {
        MockHttpServletResponse r = mvc.perform(MockMvcRequestBuilders.post("/hello")).andReturn().getResponse();
        assertThat(r.getStatus()).isEqualTo(405);
        assertThat(r.getContentType()).startsWith("application/problem+json");
        assertThat(r.getContentAsString()).contains("\"status\":405", "\"detail\":\"use GET\"")
                .doesNotContain("/hello", "instance", "POST");
    }

    @Test
    void aParameterThatDoesNotConvertIs400WithoutTheValue() throws Exception {
        MockHttpServletResponse r = mvc.perform(MockMvcRequestBuilders.get("/hello").param("n", "<script>x"))
                .andReturn().getResponse();
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.getContentAsString()).contains("\"detail\":\"the request is malformed\"")
                .doesNotContain("script", "/hello", "instance");
    }

    @Test
    void theApplicationsOwnAnswerIsUntouched() throws Exception {
        MockHttpServletResponse r = mvc.perform(MockMvcRequestBuilders.get("/hello").param("n", "7")).andReturn().getResponse();
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getContentAsString()).isEqualTo("ok 7");
    }
}
