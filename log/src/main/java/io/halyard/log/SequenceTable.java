package io.halyard.log;

import java.util.Arrays;

/**
 * A memory store's messages indexed by sequence: {@link #get} is one division and two array reads.
 *
 * <p>Sequences are contiguous, so the table is an array of fixed-size pages, each holding the slots
 * of {@value #PAGE_SIZE} consecutive sequences; a deleted message leaves a null slot. A page whose
 * messages are all gone is released, so a stream that keeps a few old messages while churning many
 * new ones (a key-value bucket with one quiet key) costs one page per surviving message and eight
 * bytes of page table per {@value #PAGE_SIZE} sequences, not a slot per sequence ever appended.
 *
 * <p>Invariant: when the table holds messages, {@link #firstSequence()} holds one; when it holds
 * none, {@code firstSequence() == nextSequence()} (JetStream's "first = last + 1").
 *
 * <p>This class is not thread-safe; {@link MemoryStore} guards it with its lock.
 */
final class SequenceTable {
    static final int PAGE_SHIFT = 8;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_SIZE - 1;
    private static final int INITIAL_TABLE_PAGES = 4;

    /** One page of slots. {@code firstLive} only moves forward: appends land after it. */
    private static final class Page {
        final StoredMessage[] slots = new StoredMessage[PAGE_SIZE];
        int live;
        int firstLive;
    }

    /** A ring of pages: {@code table[(tableHead + i) % table.length]} is absolute page {@code basePage + i}. */
    private Page[] table = new Page[INITIAL_TABLE_PAGES];
    private int tableHead;
    private int tablePages;
    private long basePage;

    private long firstSequence;
    private long nextSequence;
    private long live;

    SequenceTable(long firstSequence) {
        reset(firstSequence);
    }

    long firstSequence() {
        return firstSequence;
    }

    long nextSequence() {
        return nextSequence;
    }

    long live() {
        return live;
    }

    /** Forgets every message; the next one appended gets {@code nextSequence}. */
    void reset(long nextSequence) {
        if (table.length > INITIAL_TABLE_PAGES) {
            table = new Page[INITIAL_TABLE_PAGES];
        } else {
            Arrays.fill(table, null);
        }
        tableHead = 0;
        tablePages = 0;
        basePage = nextSequence >>> PAGE_SHIFT;
        this.firstSequence = nextSequence;
        this.nextSequence = nextSequence;
        live = 0;
    }

    /** The next message gets {@code next} (past {@link #nextSequence()}): the sequences between are gaps. */
    void skipTo(long next) {
        if (next <= nextSequence) {
            return;
        }
        if (live == 0) {
            reset(next);
        } else {
            nextSequence = next; // append grows the page table to it; pages in between stay null
        }
    }

    /** Stores {@code message}, whose sequence must be {@link #nextSequence()}. */
    void append(StoredMessage message) {
        long sequence = message.sequence();
        assert sequence == nextSequence;
        long pageNumber = sequence >>> PAGE_SHIFT;
        if (tablePages == 0) {
            basePage = pageNumber;
        }
        while (basePage + tablePages <= pageNumber) {
            growBy1();
        }
        int at = slotOfPage(pageNumber);
        Page page = table[at];
        int index = (int) (sequence & PAGE_MASK);
        if (page == null) {
            page = new Page();
            page.firstLive = index;
            table[at] = page;
        }
        page.slots[index] = message;
        page.live++;
        if (live == 0) {
            firstSequence = sequence;
        }
        live++;
        nextSequence = sequence + 1;
    }

    StoredMessage get(long sequence) {
        if (sequence < firstSequence || sequence >= nextSequence) {
            return null;
        }
        Page page = pageOf(sequence);
        return page == null ? null : page.slots[(int) (sequence & PAGE_MASK)];
    }

    /** Removes and returns the message with this sequence, or null when there is none. */
    StoredMessage remove(long sequence) {
        if (sequence < firstSequence || sequence >= nextSequence) {
            return null;
        }
        long pageNumber = sequence >>> PAGE_SHIFT;
        int at = slotOfPage(pageNumber);
        Page page = table[at];
        int index = (int) (sequence & PAGE_MASK);
        StoredMessage removed = page == null ? null : page.slots[index];
        if (removed == null) {
            return null;
        }
        page.slots[index] = null;
        page.live--;
        live--;
        if (page.live == 0) {
            table[at] = null;
        } else if (index == page.firstLive) {
            int next = index + 1;
            while (page.slots[next] == null) {
                next++;
            }
            page.firstLive = next;
        }
        if (sequence == firstSequence) {
            firstSequence = live == 0 ? nextSequence : nextLive(sequence + 1);
            dropPagesBefore(firstSequence >>> PAGE_SHIFT);
        }
        return removed;
    }

    /** The first sequence at or after {@code sequence} that holds a message, or -1 when none does. */
    long nextLive(long sequence) {
        long from = Math.max(sequence, firstSequence);
        if (from >= nextSequence || live == 0) {
            return -1;
        }
        long pageNumber = from >>> PAGE_SHIFT;
        long lastPage = basePage + tablePages - 1;
        int index = (int) (from & PAGE_MASK);
        for (; pageNumber <= lastPage; pageNumber++, index = 0) {
            Page page = table[slotOfPage(pageNumber)];
            if (page == null) {
                continue;
            }
            for (int i = Math.max(index, page.firstLive); i < PAGE_SIZE; i++) {
                if (page.slots[i] != null) {
                    return (pageNumber << PAGE_SHIFT) + i;
                }
            }
        }
        return -1;
    }

    /** The last sequence at or before {@code sequence} that holds a message, or -1 when none does. */
    long previousLive(long sequence) {
        long from = Math.min(sequence, nextSequence - 1);
        if (from < firstSequence || live == 0) {
            return -1;
        }
        long pageNumber = from >>> PAGE_SHIFT;
        int index = (int) (from & PAGE_MASK);
        for (; pageNumber >= basePage; pageNumber--, index = PAGE_SIZE - 1) {
            Page page = table[slotOfPage(pageNumber)];
            if (page == null) {
                continue;
            }
            for (int i = index; i >= page.firstLive; i--) {
                if (page.slots[i] != null) {
                    return (pageNumber << PAGE_SHIFT) + i;
                }
            }
        }
        return -1;
    }

    /**
     * The first sequence holding a message timestamped at or after {@code epochNanos}, or
     * {@code nextSequence()} when there is none. Timestamps never decrease with the sequence, so
     * this is a binary search; a probe that lands on a gap moves to the next message.
     */
    long sequenceAtOrAfter(long epochNanos) {
        long low = firstSequence;
        long high = nextSequence - 1;
        long found = nextSequence;
        while (low <= high) {
            long middle = low + (high - low) / 2;
            long probe = nextLive(middle);
            if (probe < 0 || probe > high) {
                high = middle - 1;
            } else if (get(probe).timestampNanos() >= epochNanos) {
                found = probe;
                high = middle - 1;
            } else {
                low = probe + 1;
            }
        }
        return found;
    }

    private Page pageOf(long sequence) {
        return table[slotOfPage(sequence >>> PAGE_SHIFT)];
    }

    private int slotOfPage(long pageNumber) {
        return (int) ((tableHead + (pageNumber - basePage)) % table.length);
    }

    private void growBy1() {
        if (tablePages == table.length) {
            Page[] larger = new Page[table.length * 2];
            for (int i = 0; i < tablePages; i++) {
                larger[i] = table[(tableHead + i) % table.length];
            }
            table = larger;
            tableHead = 0;
        }
        tablePages++;
    }

    private void dropPagesBefore(long pageNumber) {
        while (tablePages > 0 && basePage < pageNumber) {
            table[tableHead] = null;
            tableHead = (tableHead + 1) % table.length;
            tablePages--;
            basePage++;
        }
        if (tablePages == 0) {
            tableHead = 0;
            basePage = pageNumber;
        }
    }
}
