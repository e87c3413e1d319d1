package dev.annals.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.console.StubApi.Reply;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's pure modules (time, causation, projection fields), run in Chromium as the pages
 * run them: each test imports a module and returns a JSON result to assert on.
 */
class ConsoleModulesTest {

  private static Browser browser;
  private StubApi api;

  @BeforeEach
  void start() {
    Browser.assumeChromium(); // per test, so that without Chromium every test is reported skipped
    if (browser == null) {
      browser = Browser.start();
    }
    api = new StubApi();
    api.on("GET", "/health", c -> Reply.json(Map.of()));
    api.on("POST", "/admin/verify", c -> Reply.json(Map.of()));
    browser.open(api.url() + "/#/integrity");
    browser.await("#verify-run");
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      assertThat(browser.javascriptErrors()).isEmpty();
    }
    if (api != null) {
      api.close();
    }
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  /** Runs {@code body} (an async function body with the module bound to {@code m}) and returns its JSON result. */
  private Object run(String module, String body) {
    String script = "const done = arguments[arguments.length - 1];"
        + "import('/console/" + module + "').then(async (m) => { " + body + " })"
        + ".then((r) => done(JSON.stringify(r)), (e) => done('ERROR ' + e));";
    Object out = ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript(script);
    assertThat(String.valueOf(out)).doesNotStartWith("ERROR");
    return StubApi.read(String.valueOf(out));
  }

  @Test
  void instants_keep_microseconds_both_ways() {
    Object r = run("ui.js", "return [m.isoFromMicros(m.instantMicros('2026-11-26T10:00:00.123456Z')),"
        + " m.instantMicros('2026-11-26T10:00:00.000002Z') - m.instantMicros('2026-11-26T10:00:00.000001Z'),"
        + " m.parseUserInstant('2026-11-26 17:30'), m.parseUserInstant('2026-11-26')];");
    assertThat(r).isEqualTo(List.of("2026-11-26T10:00:00.123456Z", 1, "2026-11-26T17:30:00.000000Z", "2026-11-26T00:00:00.000000Z"));
  }

  @Test
  void an_event_both_revoked_and_effective_after_v_gives_both_reasons() {
    Object r = run("timeline.js", """
        const e = (id, version, rec, eff, md = {}) => ({id, version, type: 'T', recordedAt: rec, effectiveAt: eff, metadata: md});
        const a = e('a', 1, '2026-01-01T10:00:00.000000Z', '2026-01-02T00:00:00.000000Z');
        const b = e('b', 2, '2026-01-01T11:00:00.000000Z', '2026-01-01T11:00:00.000000Z', {revokes: ['a']});
        return m.differences([a, b], [b], '2026-01-01T12:00:00.000000Z')
          .map(d => [d.event.id, d.reasons.map(x => x.kind)]);
        """);
    assertThat(r).isEqualTo(List.of(List.of("a", List.of("revoked", "future")), List.of("b", List.of("revokes"))));
  }

  @Test
  void views_that_agree_have_no_differences() {
    Object r = run("timeline.js", """
        const e = (id, version, t) => ({id, version, type: 'T', recordedAt: t, effectiveAt: t, metadata: {}});
        const all = [e('a', 1, '2026-01-01T10:00:00.000000Z'), e('b', 2, '2026-01-01T11:00:00.000000Z')];
        return [m.differences(all, all, '2026-01-01T11:00:00.000000Z').length,
          m.instantsOf(all, ['recordedAt']).length,
          m.recordedAfter(all, '2026-01-01T10:30:00.000000Z').map(x => x.id),
          m.versionKnownAt(all, '2026-01-01T10:30:00.000000Z')];
        """);
    assertThat(r).isEqualTo(List.of(0, 2, List.of("b"), 1));
  }

  @Test
  void a_causation_cycle_still_places_every_event_once() {
    Object r = run("causation.js", """
        const ev = (id, cause) => ({id, metadata: {causationId: cause}});
        const roots = m.causationTree([ev('a', 'b'), ev('b', 'a'), ev('c', undefined)]);
        const ids = [];
        const walk = (n) => { if (n.event) ids.push(n.event.id); n.children.forEach(walk); };
        roots.forEach(walk);
        return ids.sort();
        """);
    assertThat(r).isEqualTo(List.of("a", "b", "c"));
  }

  @Test
  void projection_fields_read_exactly_the_servers_names() {
    Object r = run("projection-fields.js", """
        const [p] = m.projectionList({projections: [{name: 'x', version: 1, nextVersion: 2, status: 'running', live: true, position: 90,
          head: 100, lagEvents: 10, lagSeconds: 1.5, parked: 0, lastError: null, runningOn: 'web-2',
          rebuild: {version: 2, status: 'rebuilding', eventsDone: 30, eventsToGo: 90, eventsPerSecond: 10, etaSeconds: 9,
            caughtUp: false, comparison: null}}]}).map(m.normalizeProjection);
        return [p.lagEvents, p.lagSeconds, p.rebuild.toGo, p.rebuild.etaSeconds, p.rebuild.running, p.rebuild.ready,
          Math.round(p.rebuild.fraction * 100), p.error === undefined, p.nextVersion, p.runningOn];
        """);
    assertThat(r).isEqualTo(List.of(10, 1.5, 90, 9, true, false, 25, true, "2", "web-2"));
  }

  @Test
  void a_promoting_rebuild_is_neither_running_nor_ready() {
    Object r = run("projection-fields.js", """
        const p = m.normalizeProjection({name: 'x', version: 1, nextVersion: 2, rebuild: {version: 2, status: 'promoting',
          eventsDone: 5, eventsToGo: 1, eventsPerSecond: 1, etaSeconds: 1, caughtUp: false, comparison: null}});
        return [p.rebuild.promoting, p.rebuild.running, p.rebuild.ready];
        """);
    assertThat(r).isEqualTo(List.of(true, false, false));
  }

  @Test
  void a_comparison_sums_its_tables_and_a_body_without_projections_is_an_empty_list() {
    Object r = run("projection-fields.js", """
        const p = m.normalizeProjection({name: 'x', version: 1, nextVersion: null, rebuild: {version: 2, status: 'ready', eventsDone: 5,
          eventsToGo: 0, eventsPerSecond: 1, etaSeconds: 0, caughtUp: true, comparison: {identical: false, tables: [
            {table: 'a', liveRows: 2, shadowRows: 3, onlyInLive: [], onlyInShadow: ['r']},
            {table: 'b', liveRows: 4, shadowRows: 4, onlyInLive: [], onlyInShadow: []}]}}});
        return [p.rebuild.compare.live, p.rebuild.compare.shadow, p.rebuild.compare.identical, p.rebuild.fraction,
          m.projectionList({}).length, m.projectionList(null).length, p.nextVersion];
        """);
    assertThat(r).isEqualTo(Arrays.asList(6, 7, false, 1, 0, 0, null));
  }

  @Test
  void integers_under_money_named_keys_are_cents_and_counting_words_are_not_money() {
    Object r = run("money.js", """
        return [
          m.isMoney(3500, 'amount', null), m.isMoney(868476, 'balance', 'ledger'), m.isMoney(1, 'balanceAfter', null),
          m.isMoney(250, '3e8ad577-9395-36ab-ac2d-3cebc6a0abe8', 'fees'), m.isMoney(81131, 'transfer-T001714', 'debits'),
          m.isMoney(3, 'feeCount', null), m.isMoney(12, 'version', null), m.isMoney(7, 'owner', 'fees'),
          m.isMoney(35.5, 'amount', null), m.isMoney('3500', 'amount', null)];
        """);
    assertThat(r).isEqualTo(List.of(true, true, true, true, true, false, false, false, false, false));
  }

  @Test
  void money_is_formatted_exactly_with_grouping_two_decimals_and_a_true_minus() {
    Object r = run("money.js", "return [m.formatMoney(868476), m.formatMoney(-3500), m.formatMoney(5), m.formatMoney(0),"
        + " m.formatMoney(900719925474099), m.formatMoneyDelta(3500), m.formatMoneyDelta(-90), m.formatMoneyDelta(0)];");
    assertThat(r).isEqualTo(List.of("8,684.76", "\u221235.00", "0.05", "0.00", "9,007,199,254,740.99", "+35.00", "\u22120.90", "0.00"));
  }

  @Test
  void a_states_headline_money_is_its_balance_before_any_other_amount() {
    Object r = run("money.js", """
        return [
          m.headlineMoney({case: 'Open', ledger: {fees: {'x-1': 250}, lastAmount: 5, balance: 868476}}),
          m.headlineMoney({total: 4200, status: 'paid'}),
          m.headlineMoney({owner: 'ada', fees: {'x-1': 250}})];
        """);
    assertThat(r).isEqualTo(java.util.Arrays.asList(
        Map.of("path", List.of("ledger", "balance"), "value", 868476), Map.of("path", List.of("total"), "value", 4200), null));
  }

  @Test
  void the_corrections_to_a_moment_are_the_later_recordings_that_revoke_or_reach_back_before_it() {
    Object r = run("timeline.js", """
        const e = (id, version, rec, eff, md = {}) => ({id, version, type: 'T', recordedAt: rec, effectiveAt: eff, metadata: md});
        const fee = e('fee', 1, '2026-03-12T09:30:00.000000Z', '2026-03-12T09:30:00.000000Z');
        const later = e('later', 2, '2026-03-16T00:00:00.000000Z', '2026-03-16T00:00:00.000000Z');
        const fix = e('fix', 3, '2026-03-18T10:05:00.000000Z', '2026-03-12T09:30:00.000000Z', {revokes: ['fee']});
        const valueDate = e('vd', 4, '2026-03-20T06:00:00.000000Z', '2026-03-15T00:00:00.000000Z');
        const events = [fee, later, fix, valueDate];
        const ids = (cs) => cs.map(c => [c.event.id, c.revoked.map(x => x.id)]);
        return [ids(m.correctionsTo(events, '2026-03-15T14:47:00Z')), ids(m.correctionsTo(events, '2026-03-19T00:00:00Z')),
                ids(m.correctionsTo(events, '2026-03-12T00:00:00Z'))];
        """);
    assertThat(r).isEqualTo(List.of(
        List.of(List.of("fix", List.of("fee")), List.of("vd", List.of())),
        List.of(List.of("vd", List.of())), // the value date still reaches back before the 19th
        List.of()));
  }

  @Test
  void a_charts_window_frames_the_moment_and_its_corrections_and_its_instants_carry_the_version_known_then() {
    Object r = run("timeline.js", """
        const e = (id, version, rec, eff, md = {}) => ({id, version, type: 'T', recordedAt: rec, effectiveAt: eff, metadata: md});
        const day = (d) => `2026-03-${String(d).padStart(2, '0')}T00:00:00.000000Z`;
        const events = [e('a', 1, day(1), day(1)), e('fee', 2, day(12), day(12)), e('b', 3, day(14), day(14)),
          e('fix', 4, day(18), day(12), {revokes: ['fee']}), e('c', 5, day(28), day(28))];
        const micros = (d) => Date.parse(day(d)) * 1000;
        const cs = m.correctionsTo(events, day(15));
        const w = m.chartWindow(events, day(15), cs);
        const at = m.chartInstants(events, w.xMin, w.xMax);
        const whole = m.chartWindow(events, day(30), []);
        const days = (x) => Math.round(x / 86400e5) / 10;
        return [days(w.xMin - micros(12)), days(w.xMax - micros(18)),
          at.map(p => [(p.x - micros(1)) / 86400e6, p.version]),
          [whole.xMin === micros(1), whole.xMax === micros(28)],
          m.chartInstants(events, micros(1), micros(28), 3, [micros(18)]).map(p => p.version)];
        """);
    assertThat(r).isEqualTo(List.of(-2.1, 2.1,
        List.of(List.of(0, 1), List.of(11, 2), List.of(13, 3), List.of(17, 4)),
        List.of(true, true),
        List.of(1, 3, 4, 5)));
  }

  @Test
  void time_ticks_fall_on_round_utc_days_and_a_step_holds_its_value_until_the_next_point() {
    Object r = run("chart.js", """
        const d = (s) => Date.parse(s) * 1000;
        const ticks = m.timeTicks(d('2026-03-10T07:00:00Z'), d('2026-03-16T20:00:00Z'));
        const pts = [{x: 10, y: 1}, {x: 20, y: 2}];
        return [ticks.map(t => new Date(t / 1000).toISOString().slice(0, 13)),
          [m.stepValueAt(pts, 5) ?? null, m.stepValueAt(pts, 10), m.stepValueAt(pts, 19), m.stepValueAt(pts, 25)],
          m.niceTicks(8100, 8750)];
        """);
    assertThat(r).isEqualTo(List.of(
        List.of("2026-03-11T00", "2026-03-12T00", "2026-03-13T00", "2026-03-14T00", "2026-03-15T00", "2026-03-16T00"),
        java.util.Arrays.asList(null, 1, 1, 2),
        List.of(8200, 8400, 8600)));
  }
}
