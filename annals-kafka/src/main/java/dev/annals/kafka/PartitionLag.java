package dev.annals.kafka;

/**
 * How far one partition this member owns is behind the topic.
 *
 * @param endOffset the partition's last stable offset (read_committed end) when last asked; -1 before
 * @param storedOffset the next offset stored in the target (-1: nothing committed yet)
 * @param appliedPosition the store position of the last event consumed from the partition
 * @param lag records (including transaction markers) between the stored offset and the end; -1 unknown
 */
public record PartitionLag(int partition, long endOffset, long storedOffset, long appliedPosition, long lag) {}
