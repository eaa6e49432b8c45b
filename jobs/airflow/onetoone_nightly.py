"""OneToOne's nightly run as an Airflow DAG: ingest -> rfm -> loyalty -> model -> affinity -> offers, one spark-submit per task.

The commands live in nightly_commands.json beside this file, which the project's tests also read (NightlyDagTest),
so the schedule and what is tested cannot drift apart. Every argument there is an Airflow template: {{ ds }} is the
logical date of the run, so a retry, a clear or a backfill recomputes exactly that night, and each stage is safe to
rerun for its date (dated tables are replaced for that date only; ingest merges by line hash).

Operator: BashOperator on jobs/submit, not SparkSubmitOperator. jobs/submit is the one tested submission path (the
cluster integration test runs it); it reads master, resources, packages, the Java 17 module flags and the S3 settings
from conf/cluster.properties. SparkSubmitOperator would rebuild that command line from an Airflow connection and
operator arguments, a second copy of the same settings that would drift from the first, and it needs the
apache-spark provider installed on every Airflow worker.

Deployment: copy this file and nightly_commands.json into the DAGs folder (or point the folder here), and set
ONETOONE_HOME on the Airflow workers to the unpacked release (the directory holding jobs/, conf/ and target/).
Written for Airflow 2.4 or later (schedule=, cwd=, sla=). On Airflow 3, where task SLAs were removed, drop "sla"
from default_args and use a deadline alert on the DAG instead.
"""

import json
import os
import shlex
from datetime import datetime, timedelta


def load_spec(path):
    """The night's specification (commands, schedule, retries) from nightly_commands.json."""
    with open(path, encoding="utf-8") as spec_file:
        return json.load(spec_file)


def bash_commands(spec):
    """(task_id, bash command template) per task, in the order they run; Airflow renders {{ ds }} and {{ params.* }}."""
    return [(task["task_id"], shlex.join([spec["submit"], *task["arguments"]])) for task in spec["tasks"]]


def onetoone_home(dag_file):
    """The release directory: ONETOONE_HOME on the worker, else the repository this file sits in (jobs/airflow/..)."""
    return os.environ.get("ONETOONE_HOME", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(dag_file)))))


# Airflow is imported only here, so the functions above stay usable (and testable) without it.
from airflow import DAG  # noqa: E402
from airflow.operators.bash import BashOperator  # noqa: E402

SPEC = load_spec(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nightly_commands.json"))

with DAG(
    dag_id=SPEC["dag_id"],
    description="OneToOne nightly: ingest, rfm, loyalty, model, affinity, offers for the logical date",
    schedule=SPEC["schedule"],
    start_date=datetime.fromisoformat(SPEC["start_date"]),
    # A night folds its new days into customer_state: nights run in date order, one at a time, one writer per warehouse.
    catchup=False,
    max_active_runs=1,
    params=SPEC["params"],
    default_args={
        "owner": "onetoone",
        "depends_on_past": True,
        "retries": SPEC["retries"],
        "retry_delay": timedelta(minutes=SPEC["retry_delay_minutes"]),
        "retry_exponential_backoff": True,
        "sla": timedelta(hours=SPEC["sla_hours"]),
        "execution_timeout": timedelta(hours=SPEC["execution_timeout_hours"]),
    },
    tags=["onetoone"],
) as dag:
    previous = None
    for task_id, command in bash_commands(SPEC):
        task = BashOperator(task_id=task_id, bash_command=command, cwd=onetoone_home(__file__))
        if previous is not None:
            previous >> task
        previous = task
