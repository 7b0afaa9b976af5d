package dev.hardening.spring.autoconfigure;

import dev.hardening.spring.internal.JettyProblemErrorHandler;
import dev.hardening.spring.internal.ProblemErrorController;
import dev.hardening.spring.internal.ProblemErrorReportValve;
import dev.hardening.spring.internal.QuietProblemDetails;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every error body a problem document, with no exception, message or request echo: Boot's error
 * path ({@code server.error.path}, default {@code /error}) answered by {@link ProblemErrorController}
 * instead of Boot's {@code BasicErrorController} (which writes its own JSON with the path, or an HTML
 * page), and embedded Tomcat's own rejections — a malformed request line or header, a bad URI,
 * headers too large, an unsupported HTTP version — by {@link ProblemErrorReportValve} instead of
 * Tomcat's HTML page, and embedded Jetty's by {@link JettyProblemErrorHandler}; Spring MVC's problem
 * documents for its own exceptions (404, 405, 400, …) without the request path or input
 * ({@link QuietProblemDetails}). On unless {@code hardening.problem-error-pages=false}; the controller
 * backs off when the application defines its own {@code ErrorController}, the exception handler when
 * it has its own {@code ResponseEntityExceptionHandler}.
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springframework.boot.webmvc.error.ErrorController")
@ConditionalOnProperty(prefix = "hardening", name = "problem-error-pages", matchIfMissing = true)
public final class HardeningErrorsAutoConfiguration {

    /** Created by Spring. */
    public HardeningErrorsAutoConfiguration() {
    }

    /** @return the controller of Boot's error path */
    @Bean
    @ConditionalOnMissingBean(org.springframework.boot.webmvc.error.ErrorController.class)
    public ProblemErrorController hardeningProblemErrorController() {
        return new ProblemErrorController();
    }

    /** @return Spring MVC's problem documents without request echoes, in place of Boot's {@code ProblemDetailsExceptionHandler} */
    @Bean
    @ConditionalOnClass(name = "org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler")
    @ConditionalOnMissingBean(type = "org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler")
    public QuietProblemDetails hardeningQuietProblemDetails() {
        return new QuietProblemDetails();
    }

    /** Embedded Tomcat's own error page. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.apache.catalina.startup.Tomcat",
        "org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory"})
    static class Tomcat {
        /** @return the customizer that puts the problem valve on Tomcat's host */
        @Bean
        @ConditionalOnMissingBean(name = "hardeningTomcatProblemErrors")
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> hardeningTomcatProblemErrors() {
            return factory -> factory.addContextCustomizers(context -> context.addLifecycleListener(event -> {
                if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && context.getParent() instanceof StandardHost) {
                    useProblemValve((StandardHost) context.getParent());
                }
            }));
        }

        /**
         * The host installs its error valve when it starts, before its contexts: replace it if it is
         * there. (Here, not in the outer class: a method naming Tomcat's types there made the whole
         * auto-configuration fail to load in an application without Tomcat.)
         */
        static void useProblemValve(StandardHost host) {
            host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemErrorReportValve)) {
                    host.getPipeline().removeValve(valve);
                    host.getPipeline().addValve(new ProblemErrorReportValve());
                }
            }
        }
    }

    /** Embedded Jetty's own error page. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.eclipse.jetty.server.Server",
        "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory"})
    static class Jetty {
        /** @return the customizer that sets the problem error handler on Jetty's server */
        @Bean
        @ConditionalOnMissingBean(name = "hardeningJettyProblemErrors")
        WebServerFactoryCustomizer<JettyServletWebServerFactory> hardeningJettyProblemErrors() {
            return factory -> factory.addServerCustomizers(server -> server.setErrorHandler(new JettyProblemErrorHandler()));
        }
    }
}
