/**
 * Event and state codecs: record types registered explicitly under type names, JSON through Jackson,
 * and upcasters that turn old shapes into new ones on every read.
 */
@NullMarked
package dev.annals.cqrs.codec;

import org.jspecify.annotations.NullMarked;
