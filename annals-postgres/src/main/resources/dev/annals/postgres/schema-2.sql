-- Annals event store on PostgreSQL, schema version 2 (docs/postgres.md, "The append path"): a group of
-- appends in one round trip. The writer decides the group in memory from the head it expects (the one its
-- process last committed, or the group it sent just before) and sends everything in one call of
-- annals_append_group, which checks that expectation under the head lock and writes, or refuses with an
-- error, writing nothing (the writer then runs the group the two-round-trip way).

-- The least recordedAt (microseconds) the next append may be stamped with: positionAt(t) for an instant t
-- past the last event raises it to t (never beyond the database's clock) before answering "the next
-- position", so that answer can never be contradicted by an append stamped before t committing later.
ALTER TABLE annals_head ADD COLUMN stamp_floor bigint NOT NULL DEFAULT 0;

-- One group's rows, in one transaction (the caller's, in auto-commit mode: one statement). SQLSTATEs:
--   AN001 the head is not the expected one (another group committed meanwhile): nothing written
--   AN004 the head is before the expected one (the group the writer sent before has not committed yet):
--         nothing written; the writer may send the same call again
--   AN002 the group's recordedAt is after the database's clock, before the head's or below the stamp
--         floor, or more than a second behind the clock: nothing written
--   AN003 a stream's version is not the expected one: nothing written
--   23505 an event id is written already (unique index): nothing written
-- Returns the database's clock (microseconds) read once the head lock was granted.
CREATE FUNCTION annals_append_group(
    expected_position bigint, expected_chain bytea, stamp bigint,
    p int8[], s text[], v int8[], i uuid[], t text[], r int8[], e int8[], n int4[], bs int4[], ib int4[],
    im bool[], d bytea[], dd bytea[], m bytea[], c bytea[],
    st_names text[], st_before int8[], st_versions int8[], st_positions int8[], st_recorded int8[],
    new_position bigint, new_recorded bigint, new_chain bytea, channel text)
  RETURNS bigint LANGUAGE plpgsql
  -- Each statement below has one right plan whatever the tables hold, so it is planned once per session
  -- (planning them on every call cost about a quarter of the function's time), except the stream check,
  -- a join whose plan depends on the table's size: that one is planned afresh on every call (EXECUTE).
  SET plan_cache_mode = force_generic_plan
  AS $fn$
DECLARE
  head_position bigint;
  head_recorded bigint;
  head_chain bytea;
  floor_us bigint;
  now_us bigint;
  moved boolean;
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
  -- a fresh snapshot, taken after the lock: every group committed before is visible
  EXECUTE 'SELECT EXISTS (SELECT 1 FROM unnest($1, $2) AS u(nm, was)'
      ' LEFT JOIN annals_streams a ON a.stream = u.nm WHERE coalesce(a.version, 0) <> u.was)'
    INTO moved USING st_names, st_before;
  IF moved THEN
    RAISE EXCEPTION 'a stream''s version moved' USING ERRCODE = 'AN003';
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
