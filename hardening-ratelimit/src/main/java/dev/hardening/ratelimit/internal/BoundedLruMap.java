package dev.hardening.ratelimit.internal;

import dev.hardening.ratelimit.Ticker;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A map bounded in size (least-recently-used eviction) and in idle time (entries not touched for
 * {@code idleNanos} are dropped). Striped into segments, each guarded by its own lock. Not public API.
 * Thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class BoundedLruMap<K, V> {

    private static final int SEGMENTS = 16;

    private final Segment<K, V>[] segments;
    private final long idleNanos;
    private final Ticker ticker;

    /**
     * @param maxEntries most entries held, ≥ 1
     * @param idleNanos  idle time after which an entry is dropped, &gt; 0
     * @param ticker     time source
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public BoundedLruMap(int maxEntries, long idleNanos, Ticker ticker) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 1)");
        }
        if (idleNanos <= 0) {
            throw new IllegalArgumentException("idleNanos: " + idleNanos + " (expected: > 0)");
        }
        this.idleNanos = idleNanos;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        int n = Math.min(SEGMENTS, maxEntries);
        int base = maxEntries / n;
        int extra = maxEntries % n;
        this.segments = new Segment[n];
        for (int i = 0; i < n; i++) {
            segments[i] = new Segment<>(base + (i < extra ? 1 : 0));
        }
    }

    private Segment<K, V> segment(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return segments[Math.floorMod(h, segments.length)];
    }

    /**
     * Returns the live value for a key, creating it (under the segment lock) if absent or idle-expired.
     *
     * @param key     the key
     * @param factory creates a value
     * @return the value
     */
    public V getOrCreate(K key, Function<? super K, ? extends V> factory) {
        Segment<K, V> s = segment(key);
        long now = ticker.nanoTime();
        synchronized (s) {
            Entry<V> e = s.map.get(key);
            if (e == null || now - e.touched > idleNanos) {
                e = new Entry<>(factory.apply(key));
                s.map.put(key, e);
            }
            e.touched = now;
            s.expireEldest(now, idleNanos);
            return e.value;
        }
    }

    /**
     * @param key the key
     * @return the live value, without creating one; null if absent or idle-expired
     */
    public V getIfPresent(K key) {
        Segment<K, V> s = segment(key);
        long now = ticker.nanoTime();
        synchronized (s) {
            Entry<V> e = s.map.get(key);
            if (e == null || now - e.touched > idleNanos) {
                return null;
            }
            return e.value;
        }
    }

    /**
     * @param key   the key
     * @param value the value (replaces any existing one)
     */
    public void put(K key, V value) {
        Segment<K, V> s = segment(key);
        long now = ticker.nanoTime();
        synchronized (s) {
            Entry<V> e = new Entry<>(value);
            e.touched = now;
            s.map.put(key, e);
            s.expireEldest(now, idleNanos);
        }
    }

    /**
     * Inserts a value only if no live value is present.
     *
     * @param key   the key
     * @param value the value
     * @return whether it was inserted
     */
    public boolean putIfAbsent(K key, V value) {
        Segment<K, V> s = segment(key);
        long now = ticker.nanoTime();
        synchronized (s) {
            Entry<V> e = s.map.get(key);
            if (e != null && now - e.touched <= idleNanos) {
                return false;
            }
            Entry<V> fresh = new Entry<>(value);
            fresh.touched = now;
            s.map.put(key, fresh);
            s.expireEldest(now, idleNanos);
            return true;
        }
    }

    /**
     * @param key the key to remove
     */
    public void remove(K key) {
        Segment<K, V> s = segment(key);
        synchronized (s) {
            s.map.remove(key);
        }
    }

    /** @return the number of entries held (including idle ones not yet dropped) */
    public int size() {
        int n = 0;
        for (Segment<K, V> s : segments) {
            synchronized (s) {
                n += s.map.size();
            }
        }
        return n;
    }

    private static final class Entry<V> {
        final V value;
        long touched;

        Entry(V value) {
            this.value = value;
        }
    }

    private static final class Segment<K, V> {
        final LinkedHashMap<K, Entry<V>> map;

        Segment(int max) {
            this.map = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                    return size() > max;
                }
            };
        }

        void expireEldest(long now, long idleNanos) {
            Iterator<Entry<V>> it = map.values().iterator();
            for (int i = 0; i < 2 && it.hasNext(); i++) {
                Entry<V> e = it.next();
                if (now - e.touched > idleNanos) {
                    it.remove();
                } else {
                    return;
                }
            }
        }
    }
}
