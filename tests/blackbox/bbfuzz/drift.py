"""Where the server and the document's request schemas disagree: a body the schema accepts that
the server refuses as `validation_failed`, or a body the schema refuses that the server accepts.
Not failures by themselves (the server also applies rules a schema cannot state: trimming, real
calendar days, time-zone names, the planning rules), but a list worth reading after a long run."""
import json

from jsonschema.exceptions import best_match

from .oracle import contract


def _pointer(case):
    esc = case.template.replace("~", "~0").replace("/", "~1")
    return f"/paths/{esc}/{case.method.lower()}/requestBody/content/application~1json/schema"


def disagreement(case, answer):
    """A short text when this exchange shows a disagreement, else None."""
    if case.parsed is None or answer is None or case.method == "HEAD":
        return None
    accepted = 200 <= answer.status < 300
    refused = answer.status == 400
    if not accepted and not refused:
        return None
    errors = list(contract._validator(_pointer(case)).iter_errors(case.parsed))
    if accepted and errors:
        e = best_match(errors)
        # For a oneOf, what each branch found wrong rather than "not valid under any of the schemas".
        reasons = [c for c in (e.context or []) if c.validator != "oneOf"] or [e]
        text = "; ".join(f"{'/'.join(str(p) for p in r.absolute_path) or '$'}: {r.message[:100]}"
                         for r in reasons[:3])
        return f"{case.op_id}: accepted ({answer.status}) a body the schema refuses: {text}"
    if refused and not errors:
        try:
            err = json.loads(answer.body)["error"]
        except (ValueError, KeyError, TypeError):
            return None
        if err.get("code") != "validation_failed":
            return None
        detail = (err.get("details") or [{}])[0]
        return f"{case.op_id}: refused a body the schema accepts: {detail.get('path')}: {detail.get('message')}"
    return None
