from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from bootstrap.schedules import SCHEDULES, registered_tasks

pytestmark = pytest.mark.django_db

OWN_TASKS = {
    "orders.cart_remind_idle",
    "orders.cart_abandon_idle",
    "conversation_log.chat_close_inactive",
    "conversation_log.message_purge_old",
}


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("setup_schedules", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_housekeeping_task_of_the_domain_apps_is_registered_and_scheduled():
    # given
    scheduled = {schedule.task for schedule in SCHEDULES}
    # then
    assert scheduled >= OWN_TASKS
    assert registered_tasks() >= OWN_TASKS


def test_creates_a_schedule_for_every_registered_task():
    # when
    _run()
    # then
    expected = {s.task for s in SCHEDULES if s.task in registered_tasks()}
    assert set(PeriodicTask.objects.values_list("task", flat=True)) == expected
    reminder = PeriodicTask.objects.get(task="orders.cart_remind_idle")
    assert reminder.enabled is True
    assert (reminder.interval.every, reminder.interval.period) == (900, "seconds")
    purge = PeriodicTask.objects.get(task="conversation_log.message_purge_old")
    assert (purge.crontab.minute, purge.crontab.hour) == ("15", "3")
    assert purge.interval is None


def test_skips_tasks_whose_code_is_not_deployed_with_a_warning():
    # given
    missing = [s for s in SCHEDULES if s.task not in registered_tasks()]
    # when
    _out, err = _run()
    # then
    for schedule in missing:
        assert schedule.task in err
        assert not PeriodicTask.objects.filter(name=schedule.name).exists()


def test_running_twice_creates_nothing_new():
    # given
    _run()
    counts = (PeriodicTask.objects.count(), IntervalSchedule.objects.count())
    # when
    out, _err = _run()
    # then
    assert (PeriodicTask.objects.count(), IntervalSchedule.objects.count()) == counts
    assert "0 created, 0 updated" in out


def test_admin_edits_survive_a_rerun():
    # given: staff paused the reminders and made them hourly in the admin
    _run()
    reminder = PeriodicTask.objects.get(task="orders.cart_remind_idle")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    reminder.enabled = False
    reminder.interval = hourly
    reminder.save()
    # when
    _run()
    # then
    reminder.refresh_from_db()
    assert reminder.enabled is False
    assert reminder.interval == hourly


def test_reset_restores_the_default_timing_and_enables_the_schedule():
    # given
    _run()
    reminder = PeriodicTask.objects.get(task="orders.cart_remind_idle")
    reminder.enabled = False
    reminder.interval, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.HOURS
    )
    reminder.save()
    # when
    _run("--reset")
    # then
    reminder.refresh_from_db()
    assert reminder.enabled is True
    assert (reminder.interval.every, reminder.interval.period) == (900, "seconds")


def test_a_schedule_pointing_at_a_renamed_task_is_repointed():
    # given
    _run()
    abandon = PeriodicTask.objects.get(name="Abandon idle carts")
    abandon.task = "orders.old_name"
    abandon.save()
    # when
    _run()
    # then
    abandon.refresh_from_db()
    assert abandon.task == "orders.cart_abandon_idle"


def test_a_fresh_migrate_has_every_schedule_without_running_the_command():
    # given: the test database, migrated like a fresh install; nobody ran setup_schedules
    scheduled = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    # then: the sweepers that keep "nothing lost" true run from the first beat
    assert {s.task for s in SCHEDULES if s.task in registered_tasks()} <= scheduled
    assert {"wa_gateway.sweep_unprocessed", "message_bus.retry_failed"} <= scheduled


def test_the_sweepers_run_often_enough_to_recover_within_a_minute():
    # given
    sweepers = PeriodicTask.objects.filter(
        task__in=["wa_gateway.sweep_unprocessed", "message_bus.retry_failed"]
    ).select_related("interval")
    # then: sweep interval + the age a row must reach + a turn stay well under 60 s
    assert {task.interval.every for task in sweepers} == {15}
