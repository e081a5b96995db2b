package io.ferrite.server.command;

import java.util.List;

/**
 * A Redis 7 key spec whose begin_search and find_keys are both "unknown": keys that only the
 * command itself can find, such as the keys SORT's BY and GET patterns build from the sorted
 * elements. COMMAND INFO reports it after the key range's spec; flags are Redis's key-spec
 * flag names ("RO", "access", "OW", "update" ...), notes Redis's text for that spec.
 */
public record UnknownKeySpec(List<String> flags, String notes) {}
