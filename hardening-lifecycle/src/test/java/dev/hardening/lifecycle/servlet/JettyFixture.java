package dev.hardening.lifecycle.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A real Jetty 12 (ee10) on a free loopback port with a {@link ServletDrain} filter first. */
public final class JettyFixture {

    private JettyFixture() {
    }

    /**
     * @param drain    the tracking filter's owner
     * @param servlets servlets by path spec
     * @return the started server
     * @throws Exception if Jetty fails to start
     */
    public static Server start(ServletDrain drain, Map<String, HttpServlet> servlets) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setStopTimeout(2_000);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(drain.filter()), "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        servlets.forEach((path, servlet) -> {
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            context.addServlet(holder, path);
        });
        server.setHandler(context);
        server.start();
        return server;
    }

    /**
     * @param server a started server
     * @return its first connector's local port
     */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
