/** The {@code annals} command line (picocli). */
@NullMarked
package dev.annals.cli;

import org.jspecify.annotations.NullMarked;
