package io.ferrite.server.keyspace;

/** A value type whose keys are kept in a per-table {@link TableIndex} (time series, by label). */
public interface IndexedValue extends Value {
    /** A new, empty index, for the first value of this type stored in a table. */
    TableIndex newIndex();
}
