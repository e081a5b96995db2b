package io.ferrite.server.keyspace;

/**
 * One key of a database: the key bytes, its value, its expiry, its bucket chain link.
 *
 * <p>Values are {@code byte[]} for strings (the common case carries no wrapper object) or a
 * {@link Value} for the other types. Owned by one shard: read and write only under its lock.
 */
public final class DbEntry {
    public static final long NO_EXPIRE = -1;

    final byte[] key;
    final int hash;
    Object value;
    long expireAt = NO_EXPIRE; // unix ms, or NO_EXPIRE
    int expiringIndex = -1;    // position in the table's expiring array, -1 if none
    int accessClock;           // seconds clock of the last access (OBJECT IDLETIME)
    DbEntry next;

    DbEntry(byte[] key, int hash, Object value) {
        this.key = key;
        this.hash = hash;
        this.value = value;
    }

    public byte[] key() { return key; }
    public Object value() { return value; }
    public void value(Object v) { this.value = v; }
    public long expireAt() { return expireAt; }
    public boolean hasExpire() { return expireAt != NO_EXPIRE; }
    public int accessClock() { return accessClock; }
}
