/** Every island by name: the server renders them in place and the browser bundle hydrates them. */
import CohortView from "./CohortView.tsx";
import ReadinessCard from "./ReadinessCard.tsx";
import ReadinessTrend from "./ReadinessTrend.tsx";
import RecomputeButton from "./RecomputeButton.tsx";
import RecomputePanel from "./RecomputePanel.tsx";
import SkillTrend from "./SkillTrend.tsx";

export const islands = {
  CohortView,
  ReadinessCard,
  ReadinessTrend,
  RecomputeButton,
  RecomputePanel,
  SkillTrend,
};
