"""Celery's wiring: the beat schedule names real tasks, and task names never follow the modules around."""

import ast
from pathlib import Path

import pytest

from qa_center.celery import app

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = ("calls", "scorecards", "coaching", "qa_center")

# Spelt out with `name=` in each task's decorator; queued messages and the beat schedule refer to these, so
# moving a module must not change them. A new task adds its name here.
PROJECT_TASKS = {
    "calls.tasks.import_calls",
    "calls.tasks.purge_old_import_files",
    "calls.tasks.fail_stalled_import_jobs",
    "calls.tasks.apply_retention",
    "scorecards.tasks.sample_calls",
    "people.send_notification_email",
    "scorecards.close_calibration_sessions",
    "kpis.compute_recent",
    "kpis.close_previous_periods",
    "kpis.compute_kpis",
    "kpis.run_computation",
    "coaching.send_reminders",
    "coaching.request_follow_up_evaluations",
}


@pytest.fixture(scope="module")
def registered():
    """Every task the worker would register: the installed apps' tasks modules, as the worker imports them."""
    app.loader.import_default_modules()
    return app.tasks


def _project_task_names(tasks) -> set[str]:
    return {name for name in tasks if not name.startswith("celery.")}


def test_every_beat_entry_names_a_registered_task(registered):
    schedule = app.conf.beat_schedule
    assert schedule
    unknown = {entry: spec["task"] for entry, spec in schedule.items() if spec["task"] not in registered}
    assert unknown == {}


def test_the_project_tasks_are_exactly_the_named_ones(registered):
    assert _project_task_names(registered) == PROJECT_TASKS


def _task_decorators(tree: ast.AST):
    """`@shared_task(...)`, `@app.task(...)` and their bare forms, as written in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                called = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
                if called in {"shared_task", "task"}:
                    yield node.name, decorator


def test_every_task_decorator_spells_out_its_name():
    """Without `name=`, a task's name is its module path and changes when the module moves."""
    unnamed = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for function, decorator in _task_decorators(ast.parse(path.read_text(), str(path))):
                keywords = {k.arg for k in decorator.keywords} if isinstance(decorator, ast.Call) else set()
                if "name" not in keywords:
                    unnamed.append(f"{path.relative_to(ROOT)}:{function}")
    assert unnamed == []
