/** The module SPI: what a domain module gives a server (state folds, hosted projections with query routes, commands),
 * registered for {@link java.util.ServiceLoader}; it needs no HTTP server and no metrics, so a domain module stays pure. */
@NullMarked
package dev.annals.module;

import org.jspecify.annotations.NullMarked;
