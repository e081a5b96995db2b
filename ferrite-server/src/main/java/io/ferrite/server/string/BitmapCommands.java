package io.ferrite.server.string;

import io.ferrite.server.command.CommandTable;

/**
 * Bitmap commands (Redis 7.2 group "bitmap"): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
 * BITFIELD_RO. Bitmaps are string values. Spec: https://redis.io/docs/latest/commands/?group=bitmap
 */
public final class BitmapCommands {
    private BitmapCommands() {}

    public static void register(CommandTable.Builder t) {
    }
}
