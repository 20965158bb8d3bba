"""Template loading: our templates first, then the GOV.UK Frontend macro packages."""

from flask import Flask
from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket


class ProcessBytecodeCache(BytecodeCache):
    """Keeps compiled templates for the life of the process, shared by every app.

    The GOV.UK macros take about half a second to compile; without this each new
    app object (one per test, one per worker) would compile them again.
    """

    _store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


def register_templates(app: Flask, template_folder: str) -> None:
    """Point Jinja at templates/ and the GOV.UK packages, and add the template helpers."""
    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [
            FileSystemLoader(template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.bytecode_cache = ProcessBytecodeCache()
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from govuk_frontend_wtf.main import WTFormsHelpers

    from engage import localtime
    from engage.main.context import register_context

    WTFormsHelpers(app)
    register_context(app)
    localtime.register(app)
