"""The coach's proposals: made from an AI's function calls (Gemini functionCall, OpenAI tool_calls)
or from the changes the built-in coach recognises, stored, then applied or dismissed.

Sources: docs/api.md (proposals: apply, dismiss), docs/behaviour.md ("Proposals"), the providers' API references
(function calls on the wire). The fake provider is tests/fakes/fake_llm.py, behaviour `function_call`.
"""
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo


from conftest import assert_french_error, new_user, openai_env

PARIS = ZoneInfo("Europe/Paris")
ID_RE = re.compile(r"^[0-9a-f]{24}$")
SSE = {"Accept": "text/event-stream"}


def utc(ts):
    return ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def local(days, hour, minute=0):
    """A Paris date-time `days` after today."""
    day = dt.datetime.now(PARIS).date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def week_plan(c):
    """A week from today: Maths in 2 days at 14:00, Physique in 3 days at 10:00 (1 h each)."""
    today = dt.datetime.now(PARIS).date().isoformat()
    r = c.post("/api/planning", json={"periode": "semaine", "dateDebut": today, "sessions": [
        {"matiere": "Maths", "debut": local(2, 14).isoformat(), "fin": local(2, 15).isoformat()},
        {"matiere": "Physique", "debut": local(3, 10).isoformat(), "fin": local(3, 11).isoformat()}]})
    assert r.status_code == 201, r.text
    p = r.json()
    p["by_subject"] = {s["matiere"]: s for s in p["sessions"]}
    return p


def chat(c, message, status=200):
    r = c.post("/api/chat", json={"message": message})
    assert r.status_code == status, r.text
    return r.json()


def check_proposal(p, type_):
    assert set(p) == {"_id", "type", "summary", "payload", "status"}, p
    assert ID_RE.match(p["_id"]) and p["type"] == type_ and p["status"] == "pending", p
    assert isinstance(p["summary"], str) and p["summary"].strip() and isinstance(p["payload"], dict), p
    return p


def apply(c, pid, status=200):
    r = c.post(f"/api/chat/proposals/{pid}/apply")
    assert r.status_code == status, r.text
    return r


def dismiss(c, pid, status=200):
    r = c.post(f"/api/chat/proposals/{pid}/dismiss")
    assert r.status_code == status, r.text
    return r


def exported_proposals(c):
    r = c.get("/api/users/me/export")
    assert r.status_code == 200, r.text
    return r.json()["chat"]["proposals"]


# ------------------------------------------------------------------------------ built-in coach

def test_builtin_move_is_proposed_then_applied_once(server):
    c = new_user(server, timezone="Europe/Paris")
    plan = week_plan(c)
    maths = plan["by_subject"]["Maths"]
    body = chat(c, "Tu peux décaler les maths à demain ?")
    assert body["source"] == "fallback"
    assert len(body["proposals"]) == 1
    p = check_proposal(body["proposals"][0], "update_session")
    assert p["payload"] == {"planningId": plan["_id"], "sessionId": maths["_id"],
                            "debut": utc(local(1, 14)), "fin": utc(local(1, 15))}
    assert "Maths" in p["summary"] and p["summary"] in body["reply"]
    # Nothing changed yet.
    assert c.get(f"/api/planning/{plan['_id']}").json()["sessions"][0]["debut"] == maths["debut"]

    r = apply(c, p["_id"]).json()
    assert set(r) == {"proposal", "planning"}
    assert r["proposal"] == {**p, "status": "applied"}
    moved = {s["_id"]: s for s in r["planning"]["sessions"]}[maths["_id"]]
    assert (moved["debut"], moved["fin"]) == (utc(local(1, 14)), utc(local(1, 15)))
    assert c.get(f"/api/planning/{plan['_id']}").json() == r["planning"]

    assert_french_error(apply(c, p["_id"], 409), 409, "proposal_not_pending")
    assert_french_error(dismiss(c, p["_id"], 409), 409, "proposal_not_pending")
    assert [x["status"] for x in exported_proposals(c)] == ["applied"]


def test_builtin_move_with_an_hour(server):
    c = new_user(server, timezone="Europe/Paris")
    plan = week_plan(c)
    body = chat(c, "Déplace la physique à demain à 18h30")
    p = check_proposal(body["proposals"][0], "update_session")
    assert p["payload"]["sessionId"] == plan["by_subject"]["Physique"]["_id"]
    assert (p["payload"]["debut"], p["payload"]["fin"]) == (utc(local(1, 18, 30)), utc(local(1, 19, 30)))


def test_builtin_delete_is_proposed_and_applied(server):
    c = new_user(server, timezone="Europe/Paris")
    plan = week_plan(c)
    body = chat(c, "Supprime la session de physique")
    p = check_proposal(body["proposals"][0], "delete_session")
    physique = plan["by_subject"]["Physique"]
    assert p["payload"] == {"planningId": plan["_id"], "sessionId": physique["_id"]}
    r = apply(c, p["_id"]).json()
    assert [s["matiere"] for s in r["planning"]["sessions"]] == ["Maths"]


def test_builtin_planning_request_creates_a_planning_when_applied(server):
    c = new_user(server, timezone="Europe/Paris", preferences={"matieres": ["Maths", "Anglais"]})
    body = chat(c, "Fais-moi un planning pour la semaine des partiels")
    assert body["source"] == "fallback"
    p = check_proposal(body["proposals"][0], "create_planning")
    payload = p["payload"]
    tomorrow = dt.datetime.now(PARIS).date() + dt.timedelta(days=1)
    assert payload["periode"] == "semaine"
    assert payload["dateDebut"] == utc(dt.datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=PARIS))
    assert payload["sessions"] and {s["matiere"] for s in payload["sessions"]} == {"Maths", "Anglais"}
    assert c.get("/api/planning").json()["items"] == []  # nothing until applied

    planning = apply(c, p["_id"]).json()["planning"]
    assert planning["source"] == "fallback" and planning["periode"] == "semaine"
    assert [(s["matiere"], s["debut"], s["fin"]) for s in planning["sessions"]] == \
        [(s["matiere"], s["debut"], s["fin"]) for s in payload["sessions"]]
    assert [x["_id"] for x in c.get("/api/planning").json()["items"]] == [planning["_id"]]


def test_builtin_without_subjects_explains_and_proposes_nothing(server):
    c = new_user(server, timezone="Europe/Paris")
    body = chat(c, "Fais-moi un planning pour la semaine")
    assert body["proposals"] == [] and "matières" in body["reply"]


def test_builtin_move_of_an_unknown_session_proposes_nothing(server):
    c = new_user(server, timezone="Europe/Paris")
    week_plan(c)
    body = chat(c, "Décale la chimie à demain")
    assert body["proposals"] == [] and body["reply"].strip()


def test_questions_about_the_plan_make_no_proposal(server):
    c = new_user(server, timezone="Europe/Paris")
    week_plan(c)
    for message in ("Qu'est-ce que je dois faire dans mon planning ?", "Quelle est ma prochaine session ?"):
        assert chat(c, message)["proposals"] == []


# ------------------------------------------------------------------------------ dismiss, 404, rules

def test_dismiss_then_apply_is_409(server):
    c = new_user(server, timezone="Europe/Paris")
    week_plan(c)
    p = chat(c, "décale les maths à demain")["proposals"][0]
    r = dismiss(c, p["_id"]).json()
    assert r == {"proposal": {**p, "status": "dismissed"}}
    assert_french_error(apply(c, p["_id"], 409), 409, "proposal_not_pending")
    assert_french_error(dismiss(c, p["_id"], 409), 409, "proposal_not_pending")


def test_another_users_proposal_is_404(server):
    a, b = new_user(server, timezone="Europe/Paris"), new_user(server, timezone="Europe/Paris")
    plan = week_plan(a)
    p = chat(a, "décale les maths à demain")["proposals"][0]
    for action in ("apply", "dismiss"):
        assert_french_error(b.post(f"/api/chat/proposals/{p['_id']}/{action}"), 404, "not_found")
    for bad in ("0" * 24, "nope", "ABCDEF" * 4):
        assert_french_error(a.post(f"/api/chat/proposals/{bad}/apply"), 404, "not_found")
    # Untouched by those attempts.
    assert apply(a, p["_id"]).json()["planning"]["_id"] == plan["_id"]


def test_apply_after_the_plan_changed_gives_the_broken_rule(server):
    c = new_user(server, timezone="Europe/Paris")
    plan = week_plan(c)
    p = chat(c, "décale les maths à demain")["proposals"][0]
    # Meanwhile Physique moves onto tomorrow 14:30: the proposal would now overlap it.
    physique = plan["by_subject"]["Physique"]
    r = c.patch(f"/api/planning/{plan['_id']}/sessions/{physique['_id']}",
                json={"debut": local(1, 14, 30).isoformat(), "fin": local(1, 15, 30).isoformat()})
    assert r.status_code == 200, r.text
    before = c.get(f"/api/planning/{plan['_id']}").json()
    e = assert_french_error(apply(c, p["_id"], 400), 400, "sessions_overlap")
    assert len(e["details"]) == 2
    assert c.get(f"/api/planning/{plan['_id']}").json() == before
    assert [x["status"] for x in exported_proposals(c)] == ["pending"]


def test_apply_after_the_session_was_deleted_is_404(server):
    c = new_user(server, timezone="Europe/Paris")
    plan = week_plan(c)
    p = chat(c, "décale les maths à demain")["proposals"][0]
    assert c.delete(f"/api/planning/{plan['_id']}").status_code == 204
    assert_french_error(apply(c, p["_id"], 404), 404, "not_found")


def test_history_shows_each_coach_message_with_its_proposals_and_their_status(server):
    c = new_user(server, timezone="Europe/Paris")
    week_plan(c)
    first = chat(c, "décale les maths à demain")
    second = chat(c, "décale les maths à demain")
    assert len(first["proposals"]) == 1 and len(second["proposals"]) == 1
    dismiss = c.post(f"/api/chat/proposals/{first['proposals'][0]['_id']}/dismiss")
    assert dismiss.status_code == 200, dismiss.text

    messages = c.get("/api/chat/history").json()["messages"]
    assert [m["role"] for m in messages] == ["user", "coach", "user", "coach"]
    assert all("proposals" not in m for m in messages if m["role"] == "user")
    assert messages[1]["_id"] == first["messageId"]
    assert messages[1]["proposals"] == [dict(first["proposals"][0], status="dismissed")]
    assert messages[3]["proposals"] == second["proposals"]

    # A page that holds only the newest exchange carries only that message's proposals.
    newest = c.get("/api/chat/history", params={"limit": 1}).json()["messages"]
    assert [m["_id"] for m in newest] == [second["messageId"]]
    assert newest[0]["proposals"] == second["proposals"]

    # Another user's history shows none of them.
    other = new_user(server, timezone="Europe/Paris")
    chat(other, "bonjour")
    assert all("proposals" not in m for m in other.get("/api/chat/history").json()["messages"])


def test_a_coach_message_without_proposals_has_no_proposals_key(server):
    c = new_user(server, timezone="Europe/Paris")
    assert chat(c, "bonjour")["proposals"] == []
    assert all("proposals" not in m for m in c.get("/api/chat/history").json()["messages"])


def test_clearing_the_history_removes_proposals(server):
    c = new_user(server, timezone="Europe/Paris")
    week_plan(c)
    p = chat(c, "décale les maths à demain")["proposals"][0]
    assert len(exported_proposals(c)) == 1
    assert c.delete("/api/chat/history").status_code == 204
    assert exported_proposals(c) == []
    assert_french_error(apply(c, p["_id"], 404), 404, "not_found")


# ------------------------------------------------------------------------------ AI function calls

def gemini_calls(fake):
    return [r for r in fake.requests() if r["api"] == "gemini"]


def test_gemini_function_call_becomes_a_proposal(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    plan = week_plan(c)
    maths = plan["by_subject"]["Maths"]
    fake.script({"behaviour": "function_call", "name": "update_session",
                 "args": {"sessionId": maths["_id"], "debut": local(1, 9).isoformat()}})
    body = chat(c, "Je préfère faire les maths demain matin")
    assert body["source"] == "gemini"
    p = check_proposal(body["proposals"][0], "update_session")
    assert p["payload"] == {"planningId": plan["_id"], "sessionId": maths["_id"],
                            "debut": utc(local(1, 9)), "fin": utc(local(1, 10))}
    assert p["summary"] in body["reply"]  # the model sent no text: the server says what it proposes

    rec = gemini_calls(fake)[0]
    assert rec["rejected"] is None, rec  # every field name is one Gemini knows
    decls = rec["body"]["tools"][0]["functionDeclarations"]
    assert [d["name"] for d in decls] == ["create_planning", "update_session", "delete_session"]
    assert decls[1]["parameters"]["type"] == "OBJECT" and decls[1]["parameters"]["required"] == ["sessionId"]
    assert rec["body"]["toolConfig"] == {"functionCallingConfig": {"mode": "AUTO"}}
    system = "".join(x["text"] for x in rec["body"]["systemInstruction"]["parts"])
    assert f"[id {maths['_id']}]" in system

    moved = apply(c, p["_id"]).json()["planning"]["sessions"]
    assert moved[0]["_id"] == maths["_id"] and moved[0]["debut"] == utc(local(1, 9))


def test_gemini_create_planning_call_gives_an_ai_planning(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    fake.script({"behaviour": "function_call", "name": "create_planning", "text": "C'est parti !",
                 "args": {"periode": "semaine", "dateDebut": "2027-03-01", "matieres": ["Maths", "Chimie"],
                          "minutesParJour": 60}})
    body = chat(c, "Prépare-moi une semaine de révisions en mars")
    assert body["source"] == "gemini" and body["reply"].startswith("C'est parti !")
    p = check_proposal(body["proposals"][0], "create_planning")
    assert p["payload"]["periode"] == "semaine" and p["payload"]["dateDebut"] == "2027-02-28T23:00:00.000Z"
    planning = apply(c, p["_id"]).json()["planning"]
    assert planning["source"] == "ai"
    assert {s["matiere"] for s in planning["sessions"]} == {"Maths", "Chimie"}


def test_gemini_delete_call_in_a_stream(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    plan = week_plan(c)
    physique = plan["by_subject"]["Physique"]
    fake.script({"behaviour": "function_call", "name": "delete_session", "args": {"sessionId": physique["_id"]},
                 "text": "Je te propose de libérer ce créneau. "})
    r = c.post("/api/chat", json={"message": "Enlève la physique"}, headers=SSE, stream=True)
    assert r.status_code == 200
    events = []
    for block in r.text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.strip().split("\n") if ": " in line)
        if lines:
            events.append((lines["event"], json.loads(lines["data"])))
    assert events[-1][0] == "done" and all(e == "delta" for e, _ in events[:-1])
    done = events[-1][1]
    assert done["reply"] == "".join(d["text"] for _, d in events[:-1])
    p = check_proposal(done["proposals"][0], "delete_session")
    assert p["payload"] == {"planningId": plan["_id"], "sessionId": physique["_id"]}


def test_unusable_calls_make_no_proposal(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    other = new_user(gemini, timezone="Europe/Paris")
    their_plan = week_plan(other)
    theirs = their_plan["by_subject"]["Maths"]
    for args in ({"sessionId": theirs["_id"], "debut": local(1, 9).isoformat()},  # someone else's session
                 {"sessionId": "0" * 24},                                        # unknown
                 {"debut": local(1, 9).isoformat()}):                            # no session
        fake.script({"behaviour": "function_call", "name": "update_session", "args": args})
        body = chat(c, "Déplace ça")
        assert body["proposals"] == [] and body["reply"].strip()
        # A reply made only of unusable calls is answered by the built-in coach.
        assert body["source"] == "fallback"
    assert exported_proposals(c) == []
    del their_plan["by_subject"]
    assert other.get(f"/api/planning/{their_plan['_id']}").json() == their_plan


def test_a_call_that_would_break_a_rule_is_dropped(gemini, fake):
    c = new_user(gemini, timezone="Europe/Paris")
    plan = week_plan(c)
    maths, physique = plan["by_subject"]["Maths"], plan["by_subject"]["Physique"]
    fake.script({"behaviour": "function_call", "name": "update_session", "text": "Voyons…",
                 "args": {"sessionId": maths["_id"], "debut": physique["debut"]}})
    body = chat(c, "Mets les maths en même temps que la physique")
    assert body["source"] == "gemini" and body["proposals"] == []


def test_openai_streamed_tool_call_becomes_a_proposal(make_server, fake):
    s = make_server(env=openai_env(fake))
    c = new_user(s, timezone="Europe/Paris")
    plan = week_plan(c)
    maths = plan["by_subject"]["Maths"]
    fake.script({"behaviour": "function_call", "name": "update_session", "arg_chunks": 4,
                 "args": {"sessionId": maths["_id"], "debut": local(1, 16).isoformat()}})
    r = c.post("/api/chat", json={"message": "Décale les maths"}, headers=SSE)
    assert r.status_code == 200
    done = json.loads(r.text.split("event: done\n")[1].split("\n")[0][len("data: "):])
    assert done["source"] == "openai"
    p = check_proposal(done["proposals"][0], "update_session")
    assert p["payload"]["debut"] == utc(local(1, 16))
    rec = [x for x in fake.requests() if x["api"] == "openai"][0]
    assert rec["rejected"] is None
    assert [t["function"]["name"] for t in rec["body"]["tools"]] == ["create_planning", "update_session", "delete_session"]
    assert all(t["type"] == "function" for t in rec["body"]["tools"])


def test_openai_unary_tool_call(make_server, fake):
    s = make_server(env=openai_env(fake))
    c = new_user(s, timezone="Europe/Paris")
    plan = week_plan(c)
    fake.script({"behaviour": "function_call", "name": "delete_session",
                 "args": {"sessionId": plan["by_subject"]["Maths"]["_id"]}})
    body = chat(c, "Supprime les maths")
    assert body["source"] == "openai"
    check_proposal(body["proposals"][0], "delete_session")
