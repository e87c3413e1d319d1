-- Annals event store on PostgreSQL, schema version 3 (docs/postgres.md, "The append path").
--
-- 1. annals_append_group no longer checks the group's stream versions against annals_streams: the unique
--    index on (stream, version) does. A stream's versions are gap-free and only ever grow, and a writer
--    expects only versions it saw committed (or none), so a stream that moved past the expected version
--    already holds the version the group would write next: the insert fails (23505) and nothing is written,
--    as before. Version 2's check joined the group's streams to annals_streams, planned on every call;
--    with 10,000 streams it hashed the whole table (0.7 ms of a 2.2 ms call for 64 streams). Same
--    signature, SQLSTATEs and result as version 2 (st_before is no longer read), so a process still running
--    the previous Annals keeps working with it.
-- 2. positionAt searches the primary key (recorded_at never decreases along positions) instead of an index
--    of its own: one index less for every append to maintain.

DROP INDEX annals_events_recorded_at;

CREATE OR REPLACE FUNCTION annals_append_group(
    expected_position bigint, expected_chain bytea, stamp bigint,
    p int8[], s text[], v int8[], i uuid[], t text[], r int8[], e int8[], n int4[], bs int4[], ib int4[],
    im bool[], d bytea[], dd bytea[], m bytea[], c bytea[],
    st_names text[], st_before int8[], st_versions int8[], st_positions int8[], st_recorded int8[],
    new_position bigint, new_recorded bigint, new_chain bytea, channel text)
  RETURNS bigint LANGUAGE plpgsql
  -- Each statement below has one right plan whatever the tables hold, so it is planned once per session
  -- (planning them on every call cost about a quarter of the function's time).
  SET plan_cache_mode = force_generic_plan
  AS $fn$
DECLARE
  head_position bigint;
  head_recorded bigint;
  head_chain bytea;
  floor_us bigint;
  now_us bigint;
BEGIN
  SELECT h.position, h.recorded_at, h.chain, h.stamp_floor INTO head_position, head_recorded, head_chain, floor_us
    FROM annals_head h FOR UPDATE;
  IF head_position < expected_position THEN
    RAISE EXCEPTION 'the log''s head is at %, before %', head_position, expected_position USING ERRCODE = 'AN004';
  END IF;
  IF head_position IS DISTINCT FROM expected_position OR head_chain IS DISTINCT FROM expected_chain THEN
    RAISE EXCEPTION 'the log''s head moved (expected %, found %)', expected_position, head_position
      USING ERRCODE = 'AN001';
  END IF;
  now_us := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
  IF stamp > now_us OR stamp < head_recorded OR stamp < floor_us OR stamp < now_us - 1000000 THEN
    RAISE EXCEPTION 'recordedAt % does not fit the clock (%), the head (%) or the floor (%)', stamp, now_us,
      head_recorded, floor_us USING ERRCODE = 'AN002';
  END IF;
  INSERT INTO annals_events (position, stream, version, event_id, type, recorded_at, effective_at, effective_nanos,
      batch_size, index_in_batch, imported, data, data_digest, metadata, chain)
    SELECT u.p, u.s, u.v, u.i, u.t,
        timestamptz 'epoch' + (u.r / 1000000) * interval '1 second' + (u.r % 1000000) * interval '1 microsecond',
        timestamptz 'epoch' + (u.e / 1000000) * interval '1 second' + (u.e % 1000000) * interval '1 microsecond',
        u.n, u.bs, u.ib, u.im, u.d, u.dd, u.m, u.c
      FROM unnest(p, s, v, i, t, r, e, n, bs, ib, im, d, dd, m, c) AS u(p, s, v, i, t, r, e, n, bs, ib, im, d, dd, m, c);
  INSERT INTO annals_streams (stream, version, last_position, last_recorded_at)
    SELECT u.s, u.v, u.p,
        timestamptz 'epoch' + (u.r / 1000000) * interval '1 second' + (u.r % 1000000) * interval '1 microsecond'
      FROM unnest(st_names, st_versions, st_positions, st_recorded) AS u(s, v, p, r)
    ON CONFLICT (stream) DO UPDATE SET version = excluded.version, last_position = excluded.last_position,
      last_recorded_at = excluded.last_recorded_at;
  UPDATE annals_head SET position = new_position, recorded_at = new_recorded, chain = new_chain;
  PERFORM pg_notify(channel, new_position::text);
  RETURN now_us;
END
$fn$;
