package io.ferrite.server.timeseries;

/**
 * A run of samples of one series, ordered by strictly increasing timestamp. Two encodings:
 * {@link CompressedChunk} (Gorilla) and {@link UncompressedChunk} (flat arrays, 16 B a sample).
 * Chunks only append; an upsert or delete inside a chunk rebuilds it from its decoded samples.
 */
sealed interface Chunk permits CompressedChunk, UncompressedChunk {
    /** Appends a sample later than {@link #last()}; false when the chunk is full (nothing written). */
    boolean append(long ts, double v);

    int count();

    /** Rewrites the value of the last sample in place (an upsert at the newest timestamp). */
    void replaceLast(double v);

    long first();

    long last();

    double lastValue();

    /** Bytes held by the encoded samples (the payload, as TS.INFO DEBUG reports "size"). */
    int bytes();

    /** Decodes samples [0, count) into the arrays from offset {@code off}. */
    void decode(long[] ts, double[] vs, int off);

    /** Reads the memory the next append writes, so that it is in cache by then (TS.MADD). */
    long touch();

    /** Drops spare capacity once the chunk is closed (a later chunk was started). */
    void trim();

    Chunk copy();

    /** A forward cursor over the samples. */
    Cursor cursor();

    interface Cursor {
        /** Advances to the next sample; false at the end. */
        boolean next();

        long ts();

        double value();
    }

    static Chunk create(boolean compressed, int chunkSize) {
        return compressed ? new CompressedChunk(chunkSize) : new UncompressedChunk(chunkSize);
    }
}
