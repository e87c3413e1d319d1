/** The README's quickstart: an embedded store opened, written, read and subscribed to. */
@NullMarked
package dev.annals.examples.quickstart;

import org.jspecify.annotations.NullMarked;
