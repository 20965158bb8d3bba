"""Schemas of the API's JSON bodies, for the OpenAPI document."""

from typing import Any

from engage.questionnaire.types import TYPES
from engage.survey.models import CHANNELS


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_STRING = {"type": ["string", "null"]}
# A count: a number, or null where it is suppressed (one type, for typed tools).
COUNT = {"type": ["integer", "null"], "examples": [42, None]}
# What to show for a count: its digits, or "<k" where it is suppressed.
DISPLAY = {"type": "string", "examples": ["42", "<10"]}
WORDING = {
    "type": "object",
    "properties": {
        "versions": {"type": "array", "items": {"type": "integer"}},
        "text": {"type": "string"},
    },
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "code", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": {"type": "string", "examples": ["not_found"]},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "description": "One message per query parameter that is not valid.",
                        "additionalProperties": {"type": "string"},
                    },
                },
            }
        },
    },
    "Option": {
        "type": "object",
        "required": ["code", "label", "value"],
        "properties": {
            "code": {"type": "string"},
            "label": {"type": "string"},
            "value": {"type": "integer", "description": "Numeric code for statistics packages."},
            "exclusive": {"type": "boolean"},
        },
    },
    "Agency": {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "short_name": {"type": "string"},
        },
    },
    "Question": {
        "type": "object",
        "required": ["code", "text", "type", "options", "agencies"],
        "properties": {
            "code": {"type": "string"},
            "text": {"type": "string"},
            "hint": {"type": "string"},
            "type": {"type": "string", "enum": list(TYPES)},
            "required": {"type": "boolean"},
            "min_value": NULLABLE_INT,
            "max_value": NULLABLE_INT,
            "max_choices": NULLABLE_INT,
            "max_length": NULLABLE_INT,
            "condition": {
                "type": ["object", "null"],
                "description": "Asked only if the question `code` has one of `options`.",
                "properties": {
                    "code": {"type": "string"},
                    "options": {"type": "array", "items": {"type": "string"}},
                },
            },
            "options": {"type": "array", "items": _ref("Option")},
            "agencies": {"type": "array", "items": _ref("Agency")},
        },
    },
    "Questionnaire": {
        "type": "object",
        "required": ["title", "version", "sections"],
        "properties": {
            "title": {"type": "string"},
            "intro": {"type": "string"},
            "version": {"type": "integer"},
            "published_at": {"type": ["string", "null"], "format": "date-time"},
            "language": {"type": "string"},
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "intro": {"type": "string"},
                        "questions": {"type": "array", "items": _ref("Question")},
                    },
                },
            },
        },
    },
    "Response": {
        "type": "object",
        "required": ["id", "submitted_at", "version", "weight", "answers"],
        "properties": {
            "id": {"type": "integer"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "version": {"type": "integer"},
            "channel": {"type": "string", "enum": list(CHANNELS)},
            "language": {"type": "string"},
            "ward": NULLABLE_STRING,
            "event": NULLABLE_INT,
            "weight": {
                "type": ["number", "null"],
                "description": (
                    "The response's weight in the default weighting scheme (the one results "
                    "use), adding up to the population its targets describe; null where the "
                    "response could not be weighted or no scheme has weights yet."
                ),
                "examples": [412.37, None],
            },
            "answers": {
                "type": "object",
                "description": (
                    "Answers by question code: an option (single choice, agreement, "
                    "yes/no) or a list of options (multiple choice), each as its code, its "
                    "number or its label as ?values= asks (codes by default); an area code "
                    "(its name with values=labels), a number (rating, number) or text. "
                    "Free-text answers only for accounts with free-text access."
                ),
                "additionalProperties": {
                    "type": ["string", "integer", "array", "null"],
                    "items": {"type": ["string", "integer"]},
                },
            },
        },
    },
    "ResponsePage": {
        "type": "object",
        "required": ["data", "count", "next_cursor", "next"],
        "properties": {
            "data": {"type": "array", "items": _ref("Response")},
            "count": {"type": "integer"},
            "filters": {"type": "object"},
            "free_text": {"type": "boolean"},
            "next_cursor": NULLABLE_STRING,
            "next": {"type": ["string", "null"], "format": "uri"},
        },
    },
    "Results": {
        "type": "object",
        "description": (
            "One question's results across every version that asked it (joined by code), "
            "perturbed by cell key (ONS's method: every count, total and base is moved by "
            "a fixed amount its respondents' record keys choose, so the same respondents "
            "always give the same figure); a perturbed count below k is hidden: the count "
            'is null, the option\'s "suppressed" is true, and its "count_display" is "<k" '
            '(for example "<10"), so every count field has one type. Percentages are of '
            "the perturbed counts. Free-text questions have no results."
        ),
        "required": ["code", "type", "respondents", "options", "suppressed", "k"],
        "properties": {
            "code": {"type": "string"},
            "text": {"type": "string"},
            "type": {"type": "string", "enum": list(TYPES)},
            "versions": {"type": "array", "items": {"type": "integer"}},
            "wordings": {
                "type": "array",
                "description": (
                    "Each wording of the question and the versions that asked it, oldest "
                    "first: results pooled across them were marked comparable."
                ),
                "items": WORDING,
            },
            "respondents": COUNT,
            "respondents_display": DISPLAY,
            "options": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "label": {"type": "string"},
                        "count": COUNT,
                        "count_display": DISPLAY,
                        "suppressed": {
                            "type": "boolean",
                            "description": "True when this option's count or base is hidden.",
                        },
                        "base_display": DISPLAY,
                        "base": {
                            **COUNT,
                            "description": (
                                "The respondents this option's percentage is of: those "
                                "who answered the question and whose version of the "
                                "questionnaire offered the option."
                            ),
                        },
                        "percent": {
                            "type": ["number", "null"],
                            "description": "The estimate in per cent, to one decimal: count ÷ "
                            "base as answered, or the weighted share when weighted; null when "
                            "the count or base is hidden.",
                        },
                        "estimate": {
                            "type": ["number", "null"],
                            "description": "The share of the base who chose the option, 0 to "
                            "1 (four decimals): weighted when the results are (see "
                            "weighting), else from the shown counts; null when hidden.",
                        },
                        "se": {
                            "type": ["number", "null"],
                            "description": "Its standard error (with-replacement "
                            "linearisation, the weights taken as fixed: R's svymean).",
                        },
                        "ci_low": {
                            "type": ["number", "null"],
                            "description": "The 95% confidence interval's lower end, 0 to 1.",
                        },
                        "ci_high": {
                            "type": ["number", "null"],
                            "description": "The 95% confidence interval's upper end, 0 to 1.",
                        },
                        "effective_base": {
                            "type": ["number", "null"],
                            "description": "Kish's effective base of the estimate, (Σw)²/Σw²: "
                            "the unweighted respondents that would be as precise.",
                        },
                        "labels": {
                            "type": "array",
                            "description": "Present when the option was relabelled: each "
                            "label and the versions that showed it.",
                            "items": WORDING,
                        },
                    },
                },
            },
            "mean": {
                "type": ["number", "null"],
                "description": "Rating and number questions, when no cell is hidden.",
            },
            "suppressed": {"type": "boolean", "description": "True when any cell is hidden."},
            "weighting": {
                "type": "object",
                "description": (
                    "Whether the results are weighted to the population and by which scheme "
                    "(the default one unless ?weights= names another, or none). Weighted "
                    "results count only respondents with a weight."
                ),
                "properties": {
                    "weighted": {"type": "boolean"},
                    "scheme": NULLABLE_STRING,
                    "base": {"type": ["integer", "string", "null"]},
                    "effective_base": {"type": ["number", "null"]},
                    "efficiency": {
                        "type": ["number", "null"],
                        "description": "Effective base ÷ the shown respondents.",
                    },
                    "low_base": {
                        "type": "boolean",
                        "description": "The effective base is under the minimum: treat with "
                        "great caution.",
                    },
                    "min_effective_base": {"type": "integer"},
                },
            },
            "series": {
                "type": "object",
                "description": (
                    "Present when the question changed in a way marked not comparable (a "
                    "break in series): these results count only these versions."
                ),
                "properties": {
                    "versions": {"type": "array", "items": {"type": "integer"}},
                    "note": {"type": "string"},
                },
            },
            "earlier_series": {
                "type": "array",
                "description": "After a break in series: the earlier series' results, "
                "newest first, never added to these.",
                "items": {"type": "object"},
            },
            "k": {"type": "integer", "description": "The suppression threshold."},
        },
    },
}
