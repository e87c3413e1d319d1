/** What the servers sharing one store know of each other: the node registry behind {@code /health}'s node list. */
@NullMarked
package dev.annals.server.cluster;

import org.jspecify.annotations.NullMarked;
