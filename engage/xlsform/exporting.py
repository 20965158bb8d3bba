"""Exporting a published version as an XLSForm, for the download and the CLI."""

from pyxform.xls2xform import convert

from engage.partnership.services import areas
from engage.questionnaire.models import QuestionnaireVersion
from engage.xlsform import writing

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form_id(version: QuestionnaireVersion) -> str:
    """The XForm's id: one per partnership, so ODK Central sees each version as an update."""
    return f"engage_{version.questionnaire.partnership.slug}".replace("-", "_")


def filename(version: QuestionnaireVersion) -> str:
    return f"{form_id(version)}_v{version.number}.xlsx"


def export(version: QuestionnaireVersion) -> bytes:
    """The XLSForm of ``version``; its area questions offer the partnership's wards."""
    wards = [(area.code, area.name) for area in areas(version.questionnaire.partnership)]
    return writing.xlsform(version, wards, form_id(version))


def conversion_warnings(data: bytes) -> list[str]:
    """What pyxform warns about when it converts the workbook to an XForm."""
    warnings: list[str] = []
    convert(data, warnings=warnings, file_type=".xlsx")
    return warnings
