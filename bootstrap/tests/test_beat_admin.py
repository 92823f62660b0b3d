"""The beat schedule screens: enabling, disabling, toggling and running schedules needs
`django_celery_beat.change_periodictask`; viewing them is not enough."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib import admin
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from bootstrap.admin import GuardedPeriodicTaskAdmin
from tests.admin_staff import offered_actions, post_action, staff_client

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:django_celery_beat_periodictask_changelist"
BEAT_ACTIONS = ["enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks"]


def _schedule(*, enabled: bool = True) -> PeriodicTask:
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(
        # Not the name migrate gives the real schedule: MariaDB compares names without case.
        name="a second message purge",
        task="conversation_log.message_purge_old",
        interval=every_hour,
        enabled=enabled,
    )


def test_the_guarded_admin_replaces_the_packages_own():
    assert isinstance(admin.site._registry[PeriodicTask], GuardedPeriodicTaskAdmin)


def test_a_view_only_user_is_offered_no_schedule_action():
    # given
    _schedule()
    viewer = staff_client("django_celery_beat.view_periodictask")
    # when
    offered = offered_actions(viewer, CHANGELIST)
    # then
    assert not offered & set(BEAT_ACTIONS)


@pytest.mark.parametrize(
    ("action", "enabled"),
    [
        ("enable_tasks", False),
        ("disable_tasks", True),
        ("toggle_tasks", True),
        ("run_tasks", True),
    ],
)
def test_a_forged_action_post_by_a_view_only_user_changes_and_runs_nothing(action, enabled):
    # given: a schedule the action would change (or run)
    task = _schedule(enabled=enabled)
    viewer = staff_client("django_celery_beat.view_periodictask")
    # when
    with mock.patch("celery.app.task.Task.apply_async") as apply_async:
        post_action(viewer, CHANGELIST, action, [task.pk])
    # then
    task.refresh_from_db()
    assert task.enabled is enabled
    apply_async.assert_not_called()


def test_a_user_who_may_change_schedules_is_offered_and_runs_the_actions():
    # given
    task = _schedule(enabled=True)
    operator = staff_client(
        "django_celery_beat.view_periodictask", "django_celery_beat.change_periodictask"
    )
    # when
    offered = offered_actions(operator, CHANGELIST)
    post_action(operator, CHANGELIST, "disable_tasks", [task.pk])
    # then
    task.refresh_from_db()
    assert set(BEAT_ACTIONS) <= offered
    assert task.enabled is False
