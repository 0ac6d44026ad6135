"""Black-box tests of GET /api/planning (docs/api.md (plannings):
Plannings; docs/behaviour.md "Plannings": list parameters, keyset pagination)."""
import datetime as dt
import json
import re

import pytest
import requests

from conftest import assert_error, new_user

ID_RE = re.compile(r"^[0-9a-f]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


# ---------------------------------------------------------------------------------- helpers

def create(c, periode, date_debut, sessions=None, **kw):
    r = c.post("/api/planning", json={"periode": periode, "dateDebut": date_debut,
                                      "sessions": sessions or [], **kw})
    assert r.status_code == 201, r.text
    return r.json()


def lst(c, **params):
    return c.get("/api/planning", params=params)


def page(c, **params):
    r = lst(c, **params)
    assert r.status_code == 200, (params, r.text)
    data = r.json()
    assert set(data) == {"items", "nextCursor"}, data
    assert isinstance(data["items"], list)
    assert data["nextCursor"] is None or (isinstance(data["nextCursor"], str) and data["nextCursor"])
    return data


def ids(c, **params):
    return [p["_id"] for p in page(c, **params)["items"]]


def walk(c, limit, **params):
    """Every page of the list; returns the list of pages (lists of plannings)."""
    pages, cursor = [], None
    for _ in range(1000):
        q = dict(params, limit=limit)
        if cursor is not None:
            q["cursor"] = cursor
        data = page(c, **q)
        assert len(data["items"]) <= limit
        pages.append(data["items"])
        cursor = data["nextCursor"]
        if cursor is None:
            return pages
        assert len(data["items"]) == limit, "a page before the last one should be full"
    raise AssertionError("pagination does not end")


def bad_param(resp, name):
    e = assert_error(resp, 400, "validation_failed")
    assert name in json.dumps(e, ensure_ascii=False), f"the error should name {name!r}: {e}"
    return e


def order_key(p):
    return (p["dateDebut"], p["_id"])


# ---------------------------------------------------------------------------------- basics

def test_list_empty(server):
    c = new_user(server)
    assert page(c) == {"items": [], "nextCursor": None}


def test_list_newest_date_first_full_plannings(server):
    c = new_user(server)
    b = create(c, "jour", "2025-12-02", [{"matiere": "Maths", "debut": "2025-12-02T09:00:00Z",
                                          "fin": "2025-12-02T10:00:00Z", "notes": "n"}], titre="B")
    a = create(c, "jour", "2025-12-01")
    d = create(c, "semaine", "2025-12-10T08:00:00Z")
    cc = create(c, "mois", "2025-12-03")
    data = page(c)
    assert data["nextCursor"] is None
    assert [p["_id"] for p in data["items"]] == [d["_id"], cc["_id"], b["_id"], a["_id"]]
    by_id = {p["_id"]: p for p in data["items"]}
    for p in (a, b, cc, d):
        assert by_id[p["_id"]] == p
        assert by_id[p["_id"]]["userId"] == c.id
        assert c.get(f"/api/planning/{p['_id']}").json() == by_id[p["_id"]]


def test_list_default_limit_is_20(server):
    c = new_user(server)
    made = [create(c, "jour", f"2025-01-{d:02d}")["_id"] for d in range(1, 22)]
    first = page(c)
    assert len(first["items"]) == 20
    assert first["nextCursor"] is not None
    assert [p["_id"] for p in first["items"]] == made[::-1][:20]
    second = page(c, cursor=first["nextCursor"])
    assert [p["_id"] for p in second["items"]] == [made[0]]
    assert second["nextCursor"] is None


@pytest.mark.parametrize("limit", [1, 3, 100])
def test_limit_bounds_ok(server, limit):
    c = new_user(server)
    made = [create(c, "jour", f"2025-02-{d:02d}")["_id"] for d in range(1, 5)]
    data = page(c, limit=limit)
    assert [p["_id"] for p in data["items"]] == made[::-1][:limit]
    assert (data["nextCursor"] is None) == (limit >= 4)


def test_periode_filter(server):
    c = new_user(server)
    j1 = create(c, "jour", "2025-03-01")
    s = create(c, "semaine", "2025-03-02")
    m = create(c, "mois", "2025-03-03")
    se = create(c, "semestre", "2025-03-04")
    j2 = create(c, "jour", "2025-03-05")
    assert ids(c, periode="jour") == [j2["_id"], j1["_id"]]
    assert ids(c, periode="semaine") == [s["_id"]]
    assert ids(c, periode="mois") == [m["_id"]]
    assert ids(c, periode="semestre") == [se["_id"]]
    # with pagination
    first = page(c, periode="jour", limit=1)
    assert [p["_id"] for p in first["items"]] == [j2["_id"]]
    second = page(c, periode="jour", limit=1, cursor=first["nextCursor"])
    assert [p["_id"] for p in second["items"]] == [j1["_id"]]
    assert second["nextCursor"] is None or page(c, periode="jour", limit=1,
                                                 cursor=second["nextCursor"])["items"] == []


# ---------------------------------------------------------------------------------- from / to

@pytest.fixture
def ranged(server):
    c = new_user(server)
    p = {
        "S": create(c, "semestre", "2024-12-01"),   # [2024-12-01, 2025-06-01)
        "C": create(c, "mois", "2025-02-01"),       # [02-01, 03-01)   ended before from
        "M": create(c, "mois", "2025-02-15"),       # [02-15, 03-15)   runs across from
        "B": create(c, "semaine", "2025-03-02"),    # [03-02, 03-09)   ended before from
        "A": create(c, "jour", "2025-03-10T06:00:00Z"),   # starts on the from day
        "F": create(c, "jour", "2025-03-12"),
        "D": create(c, "jour", "2025-03-15"),       # starts on the to day
        "E": create(c, "jour", "2025-03-16T06:00:00Z"),   # starts after the to day
    }
    return c, {k: v["_id"] for k, v in p.items()}


def names(c, p, **params):
    inv = {v: k for k, v in p.items()}
    return [inv[i] for i in ids(c, limit=100, **params)]


def test_from_to_dates(ranged):
    c, p = ranged
    assert names(c, p, **{"from": "2025-03-10", "to": "2025-03-15"}) == ["D", "F", "A", "M", "S"]


def test_from_only(ranged):
    c, p = ranged
    assert names(c, p, **{"from": "2025-03-10"}) == ["E", "D", "F", "A", "M", "S"]
    assert names(c, p, **{"from": "2025-03-16T12:00:00Z"}) == ["E", "S"]


def test_to_only(ranged):
    c, p = ranged
    # a date `to` is the end of that day: A (starting 03-10) is not kept with to=03-09 but is with to=03-10
    assert names(c, p, to="2025-03-09") == ["B", "M", "C", "S"]
    assert names(c, p, to="2025-03-10") == ["A", "B", "M", "C", "S"]


def test_from_to_date_times(ranged):
    c, p = ranged
    assert names(c, p, **{"from": "2025-03-10T12:00:00Z", "to": "2025-03-14T23:59:00Z"}) == \
        ["F", "A", "M", "S"]
    assert names(c, p, **{"from": "2025-03-10T13:00:00+01:00", "to": "2025-03-15T00:59:00+01:00"}) == \
        ["F", "A", "M", "S"]


def test_from_to_same_day(ranged):
    c, p = ranged
    assert names(c, p, **{"from": "2025-03-12", "to": "2025-03-12"}) == ["F", "M", "S"]


def test_from_to_combined_with_periode_and_limit(ranged):
    c, p = ranged
    params = {"from": "2025-03-10", "to": "2025-03-15", "periode": "jour"}
    inv = {v: k for k, v in p.items()}
    seen = [inv[x["_id"]] for pg in walk(c, 2, **params) for x in pg]
    assert seen == ["D", "F", "A"]


def test_from_to_dates_in_user_time_zone(server):
    c = new_user(server, timezone="Europe/Paris")
    late = create(c, "jour", "2025-03-14T23:30:00Z")      # 00:30 on 15 March in Paris
    evening = create(c, "jour", "2025-03-14T22:30:00Z")   # 23:30 on 14 March in Paris
    # `to` 14 March ends at 2025-03-14T23:00Z in Paris
    got = ids(c, **{"from": "2025-03-14", "to": "2025-03-14"})
    assert evening["_id"] in got and late["_id"] not in got
    c2 = new_user(server, timezone="Europe/Paris")
    kept = create(c2, "jour", "2025-03-08T23:30:00Z")     # ends 2025-03-09T23:30Z
    gone = create(c2, "jour", "2025-03-08T22:00:00Z")     # ends 2025-03-09T22:00Z
    # `from` 10 March starts at 2025-03-09T23:00Z in Paris
    got = ids(c2, **{"from": "2025-03-10"})
    assert kept["_id"] in got and gone["_id"] not in got


# ---------------------------------------------------------------------------------- bad parameters

@pytest.mark.parametrize("name, value", [
    ("limit", "0"), ("limit", "101"), ("limit", "x"), ("limit", "-1"), ("limit", "1.5"), ("limit", "20abc"),
    ("periode", "annee"), ("periode", "JOUR"),
    ("from", "2025-13-01"), ("from", "hier"), ("from", "2025-02-30"), ("from", "2025-03-10T12:00:00"),
    ("to", "demain"), ("to", "2025-00-10"),
    ("cursor", "xyz"), ("cursor", "!!!"),
])
def test_bad_parameters(server, name, value):
    c = new_user(server)
    create(c, "jour", "2025-03-10")
    bad_param(lst(c, **{name: value}), name)


def test_from_after_to(server):
    c = new_user(server)
    e = assert_error(lst(c, **{"from": "2025-03-11", "to": "2025-03-10"}), 400, "validation_failed")
    text = json.dumps(e)
    assert "from" in text or "to" in text, e
    assert_error(lst(c, **{"from": "2025-03-10T12:00:00Z", "to": "2025-03-10T11:00:00Z"}),
                 400, "validation_failed")


def test_tampered_cursor(server):
    c = new_user(server)
    for d in range(1, 4):
        create(c, "jour", f"2025-04-0{d}")
    cur = page(c, limit=1)["nextCursor"]
    assert cur
    for bad in (cur[:-2], cur + "A" * 7, cur[::-1] if cur[::-1] != cur else cur + "x"):
        r = lst(c, limit=1, cursor=bad)
        # an altered opaque cursor is refused, or at worst still understood; never a 500
        assert r.status_code in (200, 400), r.text
        if r.status_code == 400:
            bad_param(r, "cursor")


def test_list_requires_auth(server):
    assert_error(requests.get(server.url + "/api/planning", timeout=30), 401, "unauthenticated")


# ---------------------------------------------------------------------------------- pagination

def test_pagination_250_same_date(server):
    c = new_user(server)
    made = {create(c, "jour", "2025-05-20")["_id"] for _ in range(250)}
    assert len(made) == 250
    pages = walk(c, 7)
    seen = [p["_id"] for pg in pages for p in pg]
    assert len(seen) == len(set(seen)), "a planning was seen twice"
    assert set(seen) == made, f"missing {len(made - set(seen))}, extra {len(set(seen) - made)}"
    assert len(pages) in (36, 37)
    flat = [p for pg in pages for p in pg]
    assert flat == sorted(flat, key=order_key, reverse=True), "not ordered by dateDebut, _id descending"


def test_pagination_mixed_dates_order(server):
    c = new_user(server)
    made = []
    for i in range(30):
        made.append(create(c, "jour", f"2025-06-{10 + i % 3:02d}"))
    flat = [p for pg in walk(c, 4) for p in pg]
    assert [p["_id"] for p in flat] == [p["_id"] for p in sorted(made, key=order_key, reverse=True)]


def test_pagination_while_plannings_are_added_and_removed(server):
    c = new_user(server)
    originals = set()
    for i in range(12):
        originals.add(create(c, "jour", "2025-06-10")["_id"])
    for i in range(6):
        originals.add(create(c, "jour", "2025-06-15")["_id"])
        originals.add(create(c, "jour", "2025-06-05")["_id"])
    seen, cursor, n = [], None, 0
    removed = set()
    while True:
        q = {"limit": 5}
        if cursor:
            q["cursor"] = cursor
        data = page(c, **q)
        seen.extend(p["_id"] for p in data["items"])
        cursor = data["nextCursor"]
        n += 1
        if cursor is None:
            break
        assert n < 100
        # between pages: new plannings with the same date, newer dates and older dates
        for _ in range(3):
            create(c, "jour", "2025-06-10")
        create(c, "jour", "2025-07-01")
        create(c, "jour", "2025-06-15")
        if n == 2:
            create(c, "jour", "2025-06-01")
        if n == 3:
            # remove the last planning seen (the one the cursor follows) and one not yet seen
            last = seen[-1]
            assert c.delete(f"/api/planning/{last}").status_code == 204
            unseen = sorted(originals - set(seen))
            if unseen:
                assert c.delete(f"/api/planning/{unseen[0]}").status_code == 204
                removed.add(unseen[0])
    assert len(seen) == len(set(seen)), "a planning was seen twice"
    missing = originals - removed - set(seen)
    assert not missing, f"{len(missing)} planning(s) that existed throughout were skipped"


def test_list_shows_only_own_plannings(server):
    a = new_user(server)
    b = new_user(server)
    mine = {create(a, "jour", "2025-08-01")["_id"] for _ in range(5)}
    theirs = {create(b, "jour", "2025-08-01")["_id"] for _ in range(5)}
    theirs |= {create(b, "mois", "2025-08-02")["_id"]}
    for params in ({}, {"periode": "jour"}, {"from": "2025-07-01", "to": "2025-09-01"}, {"limit": 100}):
        data = page(a, **params)
        assert {p["_id"] for p in data["items"]} == mine, params
        assert all(p["userId"] == a.id for p in data["items"])
    seen = {p["_id"] for pg in walk(a, 2) for p in pg}
    assert seen == mine
    assert {p["_id"] for p in page(b, limit=100)["items"]} == theirs
    assert all(p["userId"] == b.id for p in page(b, limit=100)["items"])
    # a's cursor does not open b's plannings
    cur = page(a, limit=2)["nextCursor"]
    r = lst(b, limit=2, cursor=cur)
    if r.status_code == 200:
        assert not ({p["_id"] for p in r.json()["items"]} & mine)
    else:
        assert_error(r, 400, "validation_failed")
