package io.ferrite.server.command;

import io.ferrite.server.net.Client;

/** The body of one command: reads {@code c.argv()}, writes one reply to {@code c.reply()}. */
@FunctionalInterface
public interface CommandHandler {
    void run(Client c);
}
