"""The monitor's idempotent steps, shared by the CLI, the web app and the scheduler jobs.

Each step takes a session, the settings and the time (``now``) and owns its transactions.
"""

from heritage.pipeline.events import (
    IngestResult,
    create_api_key,
    ingest_event_file,
    ingest_event_json,
    ingest_location,
    revoke_api_key,
    rotate_api_key,
)
from heritage.pipeline.risk import AssessResult, match_and_assess
from heritage.pipeline.sites import (
    ImportResult,
    import_site_files,
    import_whc_list,
    record_heartbeat,
)

__all__ = [
    "AssessResult",
    "match_and_assess",
    "ImportResult",
    "IngestResult",
    "create_api_key",
    "revoke_api_key",
    "rotate_api_key",
    "import_site_files",
    "import_whc_list",
    "ingest_event_file",
    "ingest_event_json",
    "ingest_location",
    "record_heartbeat",
]
