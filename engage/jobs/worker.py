"""What the job worker loads: the queue and every module that defines tasks on it.

``huey_consumer engage.jobs.worker.huey`` (``make worker``). A task runs only in a
worker that has imported the module defining it, so every such module is listed here.
"""

from engage.exports import jobs as export_jobs  # noqa: F401  (its tasks)
from engage.jobs.queue import huey

__all__ = ["huey"]
