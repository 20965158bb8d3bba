"""What the job worker loads: the queue and every module that defines tasks on it.

``huey_consumer engage.jobs.worker.huey`` (``make worker``). A task runs only in a
worker that has imported the module defining it, so every such module is listed here.
"""

from engage.demo import jobs as demo_jobs  # noqa: F401  (its tasks)
from engage.events import import_jobs  # noqa: F401
from engage.exports import jobs as export_jobs  # noqa: F401
from engage.jobs.queue import huey
from engage.results import jobs as result_jobs  # noqa: F401
from engage.results import weight_jobs  # noqa: F401
from engage.selection import jobs as selection_jobs  # noqa: F401

__all__ = ["huey"]
