-- Annals event store on PostgreSQL, schema version 1 (docs/postgres.md). Run once, in one transaction
-- under an advisory lock, by the first open; the statements below run in the store's schema
-- (search_path). The opener then sets annals_schema.version to the newest version it applied.

-- Which schema version these tables are; a newer one than the code knows is refused on open.
CREATE TABLE annals_schema (
  version     integer     NOT NULL,
  store_id    uuid        NOT NULL,          -- this store's identity (kept by copy, printed by verify)
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
INSERT INTO annals_schema (version, store_id) VALUES (1, gen_random_uuid());

-- The log's head: one row, locked FOR UPDATE by every append transaction. Holding it until COMMIT is
-- what makes positions gap-free and in commit order across every process sharing the database.
CREATE TABLE annals_head (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position     bigint  NOT NULL,             -- last position written (0: empty)
  recorded_at  bigint  NOT NULL,             -- its recordedAt, microseconds since the epoch (0: empty)
  chain        bytea   NOT NULL              -- its chain hash (32 zero bytes: empty)
);
INSERT INTO annals_head (singleton, position, recorded_at, chain) VALUES (true, 0, 0, decode(repeat('00', 32), 'hex'));

-- One row per event. Data and metadata are the bytes as given (bytea, not jsonb: jsonb reorders keys and
-- the chain covers the exact bytes).
CREATE TABLE annals_events (
  position         bigint      PRIMARY KEY,
  stream           text        NOT NULL,
  version          bigint      NOT NULL,
  event_id         uuid        NOT NULL,
  type             text        NOT NULL,
  recorded_at      timestamptz NOT NULL,     -- microseconds; never decreases along position
  effective_at     timestamptz NOT NULL,     -- effectiveAt truncated to microseconds (indexes, people)
  effective_nanos  integer     NOT NULL,     -- effectiveAt's exact nano-of-second
  batch_size       integer     NOT NULL,     -- events in this event's append (atomic unit)
  index_in_batch   integer     NOT NULL,     -- 0..batch_size-1
  imported         boolean     NOT NULL,
  data             bytea       NOT NULL,
  data_digest      bytea       NOT NULL,     -- SHA-256(data): what the chain covers
  metadata         bytea       NOT NULL,
  chain            bytea       NOT NULL,     -- chain hash up to and including this event
  CONSTRAINT annals_events_stream_version UNIQUE (stream, version),
  CONSTRAINT annals_events_event_id UNIQUE (event_id)
);
-- positionAt(t): the last position recorded at or before t.
CREATE INDEX annals_events_recorded_at ON annals_events (recorded_at, position);
-- readAll filtered by category (the stream name before its first '-'): that category's events in position
-- order. Keyed by position + 0, which only this index provides, so a category read never walks the whole
-- log by position when the planner misjudges how the category is spread over it.
CREATE INDEX annals_events_category ON annals_events (split_part(stream, '-', 1), (position + 0));

-- One row per stream: its version, for expected-version checks and listing.
CREATE TABLE annals_streams (
  stream            text        PRIMARY KEY COLLATE "C",
  version           bigint      NOT NULL,
  last_position     bigint      NOT NULL,
  last_recorded_at  timestamptz NOT NULL
);
