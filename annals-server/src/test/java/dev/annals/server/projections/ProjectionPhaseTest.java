package dev.annals.server.projections;

import static dev.annals.server.projections.ProjectionPhase.PROMOTING;
import static dev.annals.server.projections.ProjectionPhase.REBUILDING;
import static dev.annals.server.projections.ProjectionPhase.RUNNING;
import static dev.annals.server.projections.ProjectionPhase.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lifecycle of a hosted projection: exactly the moves of the diagram are allowed, any other is a precise error. */
class ProjectionPhaseTest {

  /** The diagram in {@link ProjectionPhase}, written out: from each phase, where it may go. */
  static final Map<ProjectionPhase, Set<ProjectionPhase>> ALLOWED = Map.of(
      STOPPED, EnumSet.of(RUNNING), // start
      RUNNING, EnumSet.of(REBUILDING, STOPPED), // rebuild, close
      REBUILDING, EnumSet.of(PROMOTING, RUNNING, STOPPED), // promote, abandon a failed attempt, close
      PROMOTING, EnumSet.of(RUNNING, REBUILDING)); // promoted, refused or failed

  @Test
  void every_move_of_the_lifecycle_is_allowed_and_lands_where_it_says() {
    ALLOWED.forEach((from, targets) -> targets.forEach(to -> {
      assertThat(from.allows(to)).as(from + " -> " + to).isTrue();
      assertThat(from.to(to)).isEqualTo(to);
    }));
  }

  @Test
  void every_other_move_is_refused_with_an_exception_naming_both_phases() {
    int refused = 0;
    for (ProjectionPhase from : ProjectionPhase.values()) {
      for (ProjectionPhase to : ProjectionPhase.values()) {
        if (ALLOWED.get(from).contains(to)) {
          continue;
        }
        assertThat(from.allows(to)).as(from + " -> " + to).isFalse();
        ProjectionPhase.IllegalTransitionException e =
            catchThrowableOfType(ProjectionPhase.IllegalTransitionException.class, () -> from.to(to));
        assertThat(e).as(from + " -> " + to).isNotNull();
        assertThat(e.from()).isEqualTo(from);
        assertThat(e.to()).isEqualTo(to);
        assertThat(e).hasMessageContaining("from " + from + " to " + to);
        refused++;
      }
    }
    assertThat(refused).isEqualTo(16 - 8); // 4 x 4 pairs, 8 of them moves
  }

  @Test
  void a_promotion_needs_a_rebuild_and_a_stopped_projection_must_start_before_anything() {
    assertThat(RUNNING.allows(PROMOTING)).isFalse();
    assertThat(STOPPED.allows(REBUILDING)).isFalse();
    assertThat(STOPPED.allows(PROMOTING)).isFalse();
    assertThat(PROMOTING.allows(STOPPED)).as("close waits for a promotion to end").isFalse();
  }

  @Test
  void no_phase_moves_to_itself() {
    for (ProjectionPhase p : ProjectionPhase.values()) {
      assertThat(p.allows(p)).as(p.name()).isFalse();
    }
  }
}
