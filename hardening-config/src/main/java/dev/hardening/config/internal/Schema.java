package dev.hardening.config.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DefaultValue;
import dev.hardening.config.DevDefault;
import dev.hardening.config.DurationRange;
import dev.hardening.config.Env;
import dev.hardening.config.Range;
import dev.hardening.config.RequiredInProduction;
import dev.hardening.config.RotatingSecret;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretSetting;
import dev.hardening.config.Size;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The declared settings of a record class: one {@link Leaf} per bound variable, nested records
 * flattened under their own name. Built once per (class, prefix) and cached. Thread-safe.
 */
final class Schema {
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ClassValue<ConcurrentHashMap<String, Node>> CACHE = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Node> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private Schema() {
    }

    /**
     * A record type and how to build it.
     *
     * @param type        the record class
     * @param constructor its canonical constructor
     * @param items       one per component, in declaration order
     */
    public record Node(Class<?> type, Constructor<?> constructor, List<Object> items) {
    }

    /**
     * A nested record component.
     *
     * @param component the component name
     * @param node      the nested record
     */
    public record Nested(String component, Node node) {
    }

    /**
     * One bound variable.
     *
     * @param env          the exact variable name
     * @param component    the record component, for messages ({@code Settings.port})
     * @param valueType    the type to convert to (Optional unwrapped)
     * @param optional     whether the component is an {@code Optional}
     * @param defaultValue the default, or null
     * @param devDefault   the dev/test default, or null
     * @param range        numeric bounds, or null
     * @param durationMin  the smallest duration, or null
     * @param durationMax  the largest duration, or null
     * @param size         size bounds, or null
     * @param secret       whether the value is a {@link Secret}
     * @param secretSetting the secret's settings, or null
     * @param appEnvironment whether the component receives the resolved {@link AppEnvironment}
     * @param requiredInProduction whether an {@code Optional} must be present in production
     * @param rotating     whether the value is a {@link RotatingSecret} (then {@code secret} is true too)
     */
    public record Leaf(String env, String component, Type valueType, boolean optional, String defaultValue,
                       String devDefault, Range range, Duration durationMin, Duration durationMax, Size size,
                       boolean secret, SecretSetting secretSetting, boolean appEnvironment,
                       boolean requiredInProduction, boolean rotating) {
    }

    /**
     * @param type   the settings record
     * @param prefix the variable prefix
     * @return its schema
     * @throws IllegalArgumentException when the class is not a record or declares something
     *                                  unsupported (a programming error, reported at once)
     */
    public static Node of(Class<?> type, String prefix) {
        ConcurrentHashMap<String, Node> byPrefix = CACHE.get(type);
        Node node = byPrefix.get(prefix);
        if (node == null) {
            node = build(type, prefix, new ArrayList<>());
            byPrefix.putIfAbsent(prefix, node);
        }
        return node;
    }

    private static Node build(Class<?> type, String prefix, List<Class<?>> stack) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record (expected: a record declaring the settings)");
        }
        if (stack.contains(type)) {
            throw new IllegalArgumentException(type.getName() + " contains itself (settings records cannot be recursive)");
        }
        stack.add(type);
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        List<Object> items = new ArrayList<>(components.length);
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            String where = type.getSimpleName() + "." + c.getName();
            Env env = c.getAnnotation(Env.class);
            String name = env != null ? env.value() : prefix + Names.upperSnake(c.getName());
            if (!VARIABLE.matcher(name).matches()) {
                throw new IllegalArgumentException(where + ": variable name " + name + " (expected: letters, digits, underscores)");
            }
            if (c.getType().isRecord()) {
                if (env != null || c.getAnnotation(DefaultValue.class) != null) {
                    throw new IllegalArgumentException(where + ": a nested record takes no @Env or @DefaultValue");
                }
                items.add(new Nested(c.getName(), build(c.getType(), name + "_", stack)));
                continue;
            }
            items.add(leaf(c, where, name));
        }
        stack.remove(type);
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return new Node(type, ctor, Collections.unmodifiableList(items));
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException(type.getName() + ": canonical constructor not accessible (" + e + ")", e);
        }
    }

    private static Leaf leaf(RecordComponent c, String where, String name) {
        Type t = c.getGenericType();
        boolean optional = false;
        if (t instanceof ParameterizedType && ((ParameterizedType) t).getRawType() == Optional.class) {
            optional = true;
            t = ((ParameterizedType) t).getActualTypeArguments()[0];
        }
        boolean rotating = t == RotatingSecret.class;
        boolean secret = t == Secret.class || rotating;
        boolean appEnv = t == AppEnvironment.class;
        if (!secret && !appEnv && !Converters.supports(t)) {
            throw new IllegalArgumentException(where + ": unsupported type " + c.getGenericType().getTypeName()
                    + " (supported: String, int, long, boolean, Duration, URI, Path, enums, List of those, Secret, RotatingSecret, "
                    + "Optional of those, nested records, types with a public static parse(String))");
        }
        DefaultValue def = c.getAnnotation(DefaultValue.class);
        DevDefault devDef = c.getAnnotation(DevDefault.class);
        Range range = c.getAnnotation(Range.class);
        DurationRange dr = c.getAnnotation(DurationRange.class);
        Size size = c.getAnnotation(Size.class);
        SecretSetting ss = c.getAnnotation(SecretSetting.class);
        Type element = t instanceof ParameterizedType ? ((ParameterizedType) t).getActualTypeArguments()[0] : t;
        if (range != null && !(element == int.class || element == Integer.class || element == long.class || element == Long.class)) {
            throw new IllegalArgumentException(where + ": @Range applies to int and long settings only");
        }
        if (dr != null && element != Duration.class) {
            throw new IllegalArgumentException(where + ": @DurationRange applies to Duration settings only");
        }
        if (size != null && !(t == String.class || t instanceof ParameterizedType)) {
            throw new IllegalArgumentException(where + ": @Size applies to String and List settings only");
        }
        boolean requiredInProduction = c.getAnnotation(RequiredInProduction.class) != null;
        if (requiredInProduction && !optional) {
            throw new IllegalArgumentException(where + ": @RequiredInProduction applies to Optional settings only");
        }
        if (ss != null && !secret) {
            throw new IllegalArgumentException(where + ": @SecretSetting applies to Secret and RotatingSecret settings only");
        }
        if (secret && (def != null || devDef != null)) {
            throw new IllegalArgumentException(where + ": a Secret cannot have a default (use @SecretSetting(generateInDev = true))");
        }
        if (appEnv && (def != null || devDef != null || c.getAnnotation(Env.class) != null || optional)) {
            throw new IllegalArgumentException(where + ": an AppEnvironment component is resolved from "
                    + AppEnvironment.VARIABLE + " and takes no annotations");
        }
        if (optional && def != null) {
            throw new IllegalArgumentException(where + ": an Optional setting cannot have a @DefaultValue");
        }
        Duration min = null;
        Duration max = null;
        try {
            if (dr != null && !dr.min().isEmpty()) {
                min = Converters.parseDuration(dr.min());
            }
            if (dr != null && !dr.max().isEmpty()) {
                max = Converters.parseDuration(dr.max());
            }
        } catch (Converters.ConversionException e) {
            throw new IllegalArgumentException(where + ": @DurationRange " + e.getMessage(), e);
        }
        return new Leaf(name, where, t, optional, def == null ? null : def.value(), devDef == null ? null : devDef.value(),
                range, min, max, size, secret, ss, appEnv, requiredInProduction, rotating);
    }

    /**
     * @param node a schema
     * @return every leaf, depth first in declaration order
     */
    public static List<Leaf> leaves(Node node) {
        List<Leaf> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(Node node, List<Leaf> out) {
        for (Object item : node.items()) {
            if (item instanceof Leaf) {
                out.add((Leaf) item);
            } else {
                collect(((Nested) item).node(), out);
            }
        }
    }
}
