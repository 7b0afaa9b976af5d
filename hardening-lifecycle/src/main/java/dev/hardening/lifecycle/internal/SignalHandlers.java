package dev.hardening.lifecycle.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Handles OS signals with {@code sun.misc.Signal} (module {@code jdk.unsupported}, usable on JDK 17
 * without flags), reached reflectively so the library neither compiles against an internal API
 * nor fails where it is missing or a signal is reserved (for example {@code -Xrs}). Thread-safe.
 */
public final class SignalHandlers {

    private SignalHandlers() {
    }

    /**
     * Replaces the JVM's handling of each named signal with {@code onSignal}, run on the JVM's
     * signal-dispatch thread (it must return quickly).
     *
     * @param onSignal what to run on each delivery
     * @param names    signal names without the {@code SIG} prefix, such as {@code TERM}
     * @return the names actually handled; empty where signals cannot be handled
     */
    public static List<String> handle(Runnable onSignal, String... names) {
        List<String> handled = new ArrayList<>();
        Class<?> signalType;
        Class<?> handlerType;
        try {
            signalType = Class.forName("sun.misc.Signal");
            handlerType = Class.forName("sun.misc.SignalHandler");
        } catch (ClassNotFoundException | LinkageError e) {
            return handled;
        }
        Object handler = Proxy.newProxyInstance(SignalHandlers.class.getClassLoader(), new Class<?>[] {handlerType},
                (proxy, method, args) -> dispatch(proxy, method, args, onSignal));
        for (String name : names) {
            try {
                Object signal = signalType.getConstructor(String.class).newInstance(name);
                signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, handler);
                handled.add(name);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // reserved by the VM or unknown on this OS: the shutdown hook covers it
            }
        }
        return handled;
    }

    private static Object dispatch(Object proxy, Method method, Object[] args, Runnable onSignal) {
        switch (method.getName()) {
            case "handle":
                onSignal.run();
                return null;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return "hardening-shutdown-signal-handler";
            default:
                return null;
        }
    }
}
