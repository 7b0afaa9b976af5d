package dev.hardening.lifecycle.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A fixed-size, lock-free set of in-flight items, cheap enough for every request: a claim is one
 * CAS on a slot picked from the calling thread's id (so a pool thread usually finds its own slot
 * free), a release is one volatile write. Counting and iterating scan all slots, which only the
 * drain does. Thread-safe; never grows.
 *
 * @param <T> the item type
 */
public final class SlotRegistry<T> {

    private final AtomicReferenceArray<T> slots;
    private final int mask;

    /**
     * @param capacity the most items held at once; rounded up to a power of two
     * @throws IllegalArgumentException if not between 1 and 2^20
     */
    public SlotRegistry(int capacity) {
        if (capacity < 1 || capacity > (1 << 20)) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 1..1048576)");
        }
        int size = 1;
        while (size < capacity) {
            size <<= 1;
        }
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    /**
     * @param item the item to add
     * @return the slot index to pass to {@link #release(int)}, or {@code -1} when full
     */
    public int claim(T item) {
        long id = Thread.currentThread().getId();
        int start = (int) (id * 0x9E3779B97F4A7C15L >>> 40) & mask;
        int i = start;
        do {
            if (slots.get(i) == null && slots.compareAndSet(i, null, item)) {
                return i;
            }
            i = (i + 1) & mask;
        } while (i != start);
        return -1;
    }

    /** @param index a slot returned by {@link #claim(Object)} */
    public void release(int index) {
        slots.set(index, null);
    }

    /** @return how many items are held now (a scan; not for hot paths) */
    public int count() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** @param action applied to every item held during the scan */
    public void forEach(Consumer<? super T> action) {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.get(i);
            if (t != null) {
                action.accept(t);
            }
        }
    }

    /**
     * @param action applied to every item held during the scan
     * @return how many items it returned true for
     */
    public int countWhere(Predicate<? super T> action) {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.get(i);
            if (t != null && action.test(t)) {
                n++;
            }
        }
        return n;
    }

    /** @return the number of slots */
    public int capacity() {
        return slots.length();
    }
}
