"""When the pipeline runs by itself: the nightly build."""

import dagster as dg

nightly_build = dg.ScheduleDefinition(
    name="nightly_build",
    cron_schedule="0 1 * * *",
    execution_timezone="Asia/Jakarta",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 01:00 WIB: ingest the raw folders, rebuild the warehouse and publish the analyst file.",
)
