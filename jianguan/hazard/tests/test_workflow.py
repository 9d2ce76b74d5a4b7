"""The pure rules: which detections are hazards, by class threshold, the site's vest rule
and the danger zones; merging per kind; who may decide when."""

from __future__ import annotations

import pytest

from jianguan.hazard import workflow
from jianguan.hazard.workflow import Det

T = {"helmet": 0.4, "no_helmet": 0.5, "no_wear": 0.5, "wear": 0.4}


def test_hazards_by_class_and_threshold():
    dets = [
        Det(0, "no_helmet", 0.49, (0, 0, 10, 10)),  # under its threshold
        Det(1, "no_helmet", 0.8, (20, 0, 30, 10)),
        Det(2, "no_wear", 0.6, (15, 0, 35, 80)),
        Det(3, "helmet", 0.99, (50, 0, 60, 10)),
    ]
    kinds = [(h.kind, h.index) for h in workflow.hazards_in(dets, T, uniform_required=True)]
    assert kinds == [("no_helmet", 1), ("no_uniform", 2)]
    assert [h.kind for h in workflow.hazards_in(dets, T, uniform_required=False)] == ["no_helmet"]


def test_zone_hazards_use_feet_of_persons_and_of_lone_heads():
    dets = [
        Det(0, "wear", 0.9, (0, 0, 20, 100)),  # feet (10, 100)
        Det(1, "helmet", 0.9, (5, 0, 15, 10)),  # inside the person above: not a second person
        Det(2, "helmet", 0.9, (200, 0, 210, 10)),  # a head alone: feet estimated (205, 75)
        Det(3, "wear", 0.2, (300, 0, 320, 100)),  # under threshold: nobody
    ]
    seen = []

    def zone_of(x, y):
        seen.append((x, y))
        return 7 if x < 100 else None

    out = workflow.hazards_in(dets, T, uniform_required=True, zone_of=zone_of)
    assert seen == [(10, 100), (205, 75)]
    assert [(h.kind, h.index, h.zone_id) for h in out] == [("in_zone", 0, 7)]


def test_best_per_kind_and_corroboration():
    hs = [
        workflow.Hazard("no_helmet", 0, 0.6),
        workflow.Hazard("no_helmet", 1, 0.9),
        workflow.Hazard("in_zone", 2, 0.7, 3),
        workflow.Hazard("in_zone", 3, 0.8, 4),
    ]
    best = workflow.best_per_kind(hs)
    assert best[("no_helmet", None)].index == 1 and len(best) == 3
    assert workflow.corroborated(3, 3) and not workflow.corroborated(2, 3)
    assert workflow.corroborated(1, 0)


def test_decisions_once_and_no_rerun_while_running():
    workflow.check_decide(workflow.OPEN)
    for status in (workflow.CONFIRMED, workflow.DISMISSED):
        with pytest.raises(workflow.HazardError) as exc:
            workflow.check_decide(status)
        assert exc.value.code == "candidate_decided"
    workflow.check_rerun(workflow.DONE)
    workflow.check_rerun(None)
    with pytest.raises(workflow.HazardError):
        workflow.check_rerun(workflow.RUNNING)


def test_thresholds_are_checked():
    assert workflow.check_thresholds({})["helmet"] == 0.5
    with pytest.raises(workflow.HazardError):
        workflow.check_thresholds({"no_helmet": 1.5})
