/**
 * The Java client of the Annals server: {@link dev.annals.client.HttpEventStore} implements
 * {@link dev.annals.core.EventStore} over the HTTP API, with subscriptions over Server-Sent Events.
 */
@NullMarked
package dev.annals.client;

import org.jspecify.annotations.NullMarked;
