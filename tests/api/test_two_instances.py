"""Two `planetude` processes on one SQLite file (as behind nginx on one machine): the store's
read-check-write sequences hold across processes, not only between one process's threads.
Completing a session from both at once gives one 201; PATCHes of different fields from both all
land; a logout on one is refused on the other; and a tag one gave is not answered 304 by the
other once the data changed there."""
import signal
import threading
import time

import requests

from conftest import new_user


def pair(make_server):
    a = make_server()
    b = make_server(data_dir=a.data_dir)
    return a, b


def at_once(calls):
    """Runs the callables together (released by one barrier) and returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        barrier.wait(timeout=10)
        results[i] = calls[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(r is not None for r in results), results
    return results


def auth(u):
    return {"Authorization": f"Bearer {u.token}"}


def test_completing_a_session_from_both_at_once_gives_one_201(make_server):
    a, b = pair(make_server)
    u = new_user(a)
    r = u.post("/api/planning", json={"periode": "semaine", "dateDebut": "2026-01-05", "sessions": [
        {"matiere": "Maths", "debut": "2026-01-05T08:00:00Z", "fin": "2026-01-05T09:00:00Z"}]})
    assert r.status_code == 201, r.text
    body = {"planningId": r.json()["_id"], "sessionId": r.json()["sessions"][0]["_id"]}
    calls = [(lambda s=s: requests.post(s.url + "/api/progress", json=body, headers=auth(u), timeout=30))
             for s in (a, b) * 5]
    codes = sorted(r.status_code for r in at_once(calls))
    assert codes == [201] + [409] * 9, codes
    entries = requests.get(b.url + "/api/progress", params={"from": "2026-01-01", "to": "2026-01-31"},
                           headers=auth(u), timeout=30).json()["entries"]
    assert len(entries) == 1, entries


def test_patches_of_different_fields_from_both_all_land(make_server):
    a, b = pair(make_server)
    for _ in range(5):
        u = new_user(a, preferences={"themes": [], "matieres": []})
        calls = [
            lambda: requests.patch(a.url + "/api/users/me", json={"name": "Nom A"}, headers=auth(u), timeout=30),
            lambda: requests.patch(b.url + "/api/users/me", json={"timezone": "Europe/Paris"}, headers=auth(u),
                                   timeout=30),
            lambda: requests.patch(a.url + "/api/users/me", json={"preferences": {"themes": ["Bac"]}},
                                   headers=auth(u), timeout=30),
            lambda: requests.patch(b.url + "/api/users/me", json={"preferences": {"matieres": ["SVT"]}},
                                   headers=auth(u), timeout=30),
        ]
        assert [r.status_code for r in at_once(calls)] == [200] * 4
        me = requests.get(b.url + "/api/users/me", headers=auth(u), timeout=30).json()
        assert me["name"] == "Nom A" and me["timezone"] == "Europe/Paris", me
        assert me["preferences"] == {"themes": ["Bac"], "matieres": ["SVT"]}, me


def test_a_logout_on_one_is_refused_on_the_other(make_server):
    a, b = pair(make_server)
    u = new_user(a)
    assert requests.get(b.url + "/api/users/me", headers=auth(u), timeout=30).status_code == 200
    assert requests.post(a.url + "/api/auth/logout", headers=auth(u), timeout=30).status_code == 204
    r = requests.get(b.url + "/api/users/me", headers=auth(u), timeout=30)
    assert r.status_code == 401, r.text


def test_a_tag_is_not_answered_304_by_the_other_after_a_change(make_server):
    a, b = pair(make_server)
    u = new_user(a)
    first = requests.get(a.url + "/api/users/me", headers=auth(u), timeout=30)
    tag = first.headers["ETag"]
    same = requests.get(b.url + "/api/users/me", headers={**auth(u), "If-None-Match": tag}, timeout=30)
    assert same.status_code == 304  # the same tag on both: it comes from the database
    assert requests.patch(b.url + "/api/users/me", json={"name": "Changé"}, headers=auth(u),
                          timeout=30).status_code == 200
    after = requests.get(a.url + "/api/users/me", headers={**auth(u), "If-None-Match": tag}, timeout=30)
    assert after.status_code == 200 and after.json()["name"] == "Changé", after.text
    assert after.headers["ETag"] != tag


def test_one_killed_under_writes_loses_nothing_it_acknowledged(make_server):
    a, b = pair(make_server)
    u = new_user(a)
    acknowledged = {a.url: [], b.url: []}
    failures = []
    stop = threading.Event()

    def write(s):
        n = 0
        while not stop.is_set():
            n += 1
            try:
                r = requests.post(s.url + "/api/progress", json={"date": "2026-01-10", "tempsEtudie": 1,
                                                                  "notes": f"{s.port}-{n}"},
                                  headers=auth(u), timeout=10)
            except requests.RequestException as e:
                if s is not a:
                    failures.append(repr(e))
                return  # the killed one: what it did not answer was not promised
            if r.status_code != 201:
                failures.append(r.text)
                return
            acknowledged[s.url].append(r.json()["notes"])
    writers = [threading.Thread(target=write, args=(s,)) for s in (a, a, b, b)]
    for t in writers:
        t.start()
    deadline = time.monotonic() + 10
    while len(acknowledged[a.url]) < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    a.stop(signal.SIGKILL)
    while len(acknowledged[b.url]) < len(acknowledged[a.url]) + 30 and time.monotonic() < deadline + 10:
        time.sleep(0.01)
    stop.set()
    for t in writers:
        t.join(timeout=30)
    assert not failures, failures
    assert len(acknowledged[a.url]) >= 30, "the writes to the killed instance did not get going"
    entries = requests.get(b.url + "/api/progress", params={"from": "2026-01-01", "to": "2026-01-31"},
                           headers=auth(u), timeout=30).json()["entries"]
    stored = {e.get("notes") for e in entries}
    missing = [n for url in acknowledged for n in acknowledged[url] if n not in stored]
    assert not missing, missing[:10]


# ---- limits and proposals shared by the instances (on SQLite and, in the PostgreSQL pass, on PostgreSQL)

def test_the_chat_limit_is_counted_across_both(make_server):
    a, b = pair(make_server)
    u = new_user(a)
    for i in range(10):
        for s in (a, b):
            r = requests.post(s.url + "/api/chat", json={"message": f"Message {i}"}, headers=auth(u), timeout=30)
            assert r.status_code == 200, r.text
    # 20 accepted in this minute, 10 on each: the 21st is refused by either.
    for s in (a, b):
        r = requests.post(s.url + "/api/chat", json={"message": "Encore un"}, headers=auth(u), timeout=30)
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) >= 1


def test_login_failures_are_counted_across_both(make_server):
    a, b = pair(make_server)
    u = new_user(a)
    # LOGIN_MAX_FAILURES_PER_EMAIL is 10: five wrong passwords on each instance.
    for s in (a, b) * 5:
        r = requests.post(s.url + "/api/auth/login", json={"email": u.email, "password": "pas-le-bon-1"}, timeout=30)
        assert r.status_code == 401, r.text
    for s in (a, b):
        r = requests.post(s.url + "/api/auth/login", json={"email": u.email, "password": u.password}, timeout=30)
        assert r.status_code == 429, r.text


def test_a_proposal_applied_on_both_at_once_is_applied_once(make_server):
    import datetime as dt
    a, b = pair(make_server)
    u = new_user(a)
    today = dt.datetime.now(dt.timezone.utc).date()
    start = dt.datetime(today.year, today.month, today.day, 14, tzinfo=dt.timezone.utc) + dt.timedelta(days=2)
    r = u.post("/api/planning", json={"periode": "semaine", "dateDebut": today.isoformat(), "sessions": [
        {"matiere": "Maths", "debut": start.isoformat(), "fin": (start + dt.timedelta(hours=1)).isoformat()}]})
    assert r.status_code == 201, r.text
    reply = requests.post(b.url + "/api/chat", json={"message": "Tu peux décaler les maths à demain ?"},
                          headers=auth(u), timeout=30).json()
    assert len(reply["proposals"]) == 1, reply
    pid = reply["proposals"][0]["_id"]
    calls = [(lambda s=s: requests.post(f"{s.url}/api/chat/proposals/{pid}/apply", headers=auth(u), timeout=30))
             for s in (a, b) * 3]
    codes = sorted(r.status_code for r in at_once(calls))
    assert codes == [200] + [409] * 5, codes
