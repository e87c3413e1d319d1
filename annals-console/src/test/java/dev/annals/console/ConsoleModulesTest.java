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
          head: 100, lagEvents: 10, lagSeconds: 1.5, parked: 0, lastError: null,
          rebuild: {version: 2, status: 'rebuilding', eventsDone: 30, eventsToGo: 90, eventsPerSecond: 10, etaSeconds: 9,
            caughtUp: false, comparison: null}}]}).map(m.normalizeProjection);
        return [p.lagEvents, p.lagSeconds, p.rebuild.toGo, p.rebuild.etaSeconds, p.rebuild.running, p.rebuild.ready,
          Math.round(p.rebuild.fraction * 100), p.error === undefined, p.nextVersion];
        """);
    assertThat(r).isEqualTo(List.of(10, 1.5, 90, 9, true, false, 25, true, "2"));
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
}
