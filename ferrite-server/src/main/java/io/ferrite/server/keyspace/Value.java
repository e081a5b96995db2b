package io.ferrite.server.keyspace;

/** A non-string value (hash, list, set, ...). Strings are stored as plain {@code byte[]}. */
public interface Value {
    /** The TYPE name: "hash", "list", ... */
    String typeName();

    /** The OBJECT ENCODING name, as Redis reports it. */
    String encoding();

    /** A deep copy, for COPY. */
    Value copy();
}
