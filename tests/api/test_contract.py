"""The checker of conftest (contract.py) itself: it must catch what breaks resources/openapi.json."""
import json

import pytest

import contract

ERR = "application/json"


def body(obj):
    return json.dumps(obj).encode()


def error(code, **extra):
    return body({"error": {"code": code, "message": "Message en français.", **extra}})


def test_the_document_is_valid_openapi_3_1_json_schema_wise():
    assert contract.DOCUMENT["openapi"].startswith("3.1.")
    # every schema of components compiles as draft 2020-12
    for name in contract.DOCUMENT["components"]["schemas"]:
        contract._validator(f"/components/schemas/{name}").is_valid({})


def test_a_good_answer_passes():
    assert contract.check("GET", "http://h/healthz", 200, ERR, body({"status": "ok"})) == []
    assert contract.check("GET", "http://h/api/planning/0123456789abcdef01234567", 404, ERR,
                          error("not_found")) == []


def test_a_body_that_breaks_the_schema_is_named_with_route_and_status():
    problems = contract.check("GET", "http://h/api/users/me", 200, ERR, body({"hello": 1}))
    assert problems and all(p.startswith("GET /api/users/me -> 200: body breaks") for p in problems)
    # an error code the route does not document
    assert contract.check("POST", "http://h/api/chat", 401, ERR, error("not_found"))
    # a member the error shape does not have
    assert contract.check("GET", "http://h/api/users/me", 401, ERR, error("unauthenticated", trace="x"))


def test_undocumented_status_method_and_path():
    assert "status not documented" in contract.check("GET", "http://h/api/users/me", 418, ERR,
                                                     error("teapot"))[0]
    assert contract.check("PUT", "http://h/healthz", 200, ERR, body({"status": "ok"}))
    assert contract.check("GET", "http://h/nowhere", 200, ERR, body({}))


def test_the_rules_for_what_every_route_may_answer():
    assert contract.check("GET", "http://h/nowhere", 404, ERR, error("not_found")) == []
    assert contract.check("PUT", "http://h/healthz", 405, ERR, error("method_not_allowed"),
                          {"Allow": "GET, HEAD"}) == []
    assert contract.check("PUT", "http://h/healthz", 405, ERR, error("method_not_allowed"), {})
    assert contract.check("OPTIONS", "http://h/api/auth/login", 204, "", b"") == []
    assert contract.check("GET", "http://h/api/users/me", 400, ERR, error("bad_request")) == []
    assert contract.check("POST", "http://h/api/chat", 400, ERR, error("bad_request")) == []
    assert contract.check("GET", "http://h/healthz", 503, ERR, error("overloaded")) == []
    assert contract.check("GET", "http://h/healthz", 503, ERR, error("not_ready"))


@pytest.mark.parametrize("ctype,data", [("text/calendar", b"BEGIN:VCALENDAR"), ("text/event-stream", b"event: x")])
def test_non_json_bodies_are_not_validated_but_their_status_is(ctype, data):
    assert contract.check("GET", "http://h/cal/abc.ics", 200, ctype, data) == []
    assert contract.check("GET", "http://h/cal/abc.ics", 418, ctype, data)


def test_head_has_no_body_and_is_checked_against_get():
    assert contract.check("HEAD", "http://h/api/users/me", 200, ERR, b"") == []
    assert contract.check("HEAD", "http://h/api/users/me", 418, ERR, b"")


def test_chat_context_must_be_an_object_in_the_document():
    v = contract._validator("/components/schemas/ChatInput")
    assert v.is_valid({"message": "Bonjour", "context": {"page": "planning"}})
    assert v.is_valid({"message": "Bonjour"})
    assert not v.is_valid({"message": "Bonjour", "context": None})
