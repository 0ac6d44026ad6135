"""Valid requests for every operation of the document, built from the requesting user's own data
(`world.World`): the starting points the mutators bend. A seed sent unchanged should succeed."""
import datetime

SUBJECTS = ["Mathématiques", "Physique", "Chimie", "Histoire", "Anglais", "Philosophie"]
ZONES = ["UTC", "Europe/Paris", "America/Montreal", "Asia/Kolkata", "Pacific/Chatham", "Asia/Calcutta"]
PERIODS = {"jour": 1, "semaine": 7, "mois": 28, "semestre": 180}
MESSAGES = ["Quelle est ma prochaine session ?", "Fais-moi le bilan de la semaine",
            "Je suis fatigué, je fais une pause ?", "Comment réviser les intégrales cette semaine ?",
            "fais-moi un planning pour la semaine", "Décale les maths à demain"]


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def random_day(rng):
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(0, 3 * 365))


def sessions_for(rng, start, days, count):
    """`count` non-overlapping sessions inside [start, start + days) (UTC)."""
    out = []
    slots = rng.sample(range(days * 4), min(count, days * 4))
    for slot in sorted(slots):
        day, quarter = divmod(slot, 4)
        begin = datetime.datetime.combine(start, datetime.time(8 + quarter * 3)) + datetime.timedelta(days=day)
        session = {"matiere": rng.choice(SUBJECTS), "debut": iso(begin),
                   "fin": iso(begin + datetime.timedelta(minutes=rng.choice([30, 60, 90, 150])))}
        if rng.random() < 0.3:
            session["notes"] = rng.choice(["Chapitre 3 : intégrales", "Exercices 1 à 12", "Fiches"])
        if rng.random() < 0.2:
            session["statut"] = rng.choice(["planifie", "en_cours", "termine", "rate"])
        out.append(session)
    return out


def start_text(rng, start, exact=False):
    """`dateDebut` for a period starting on `start`: midnight UTC, which holds every session of
    `sessions_for` in any time zone; or (not exact) sometimes the bare date, midnight in the user's zone."""
    if not exact and rng.random() < 0.3:
        return start.isoformat()
    return start.isoformat() + rng.choice(["T00:00:00Z", "T00:00Z", "T01:00+01:00", "t00:00:00.000z"])


def manual_planning(rng, exact=False):
    periode = rng.choice(list(PERIODS))
    start = random_day(rng)
    body = {"periode": periode, "dateDebut": start_text(rng, start, exact),
            "sessions": sessions_for(rng, start, PERIODS[periode], rng.choice([0, 1, 3, 6]))}
    if rng.random() < 0.5:
        body["titre"] = "Semaine de révisions"
    if rng.random() < 0.2:
        body["mode"] = "manual"
    return body


def ai_planning(rng):
    body = {"mode": "ai", "periode": rng.choice(["jour", "semaine", "semaine", "mois"]),
            "dateDebut": random_day(rng).isoformat()}
    if rng.random() < 0.7:
        body["matieres"] = rng.sample(SUBJECTS, rng.randint(1, 3))
    if rng.random() < 0.5:
        body["minutesParJour"] = rng.choice([15, 60, 120, 720])
    if rng.random() < 0.4:
        body["disponibilites"] = [{"jour": d, "debut": "17:00", "fin": "20:00"} for d in rng.sample(range(7), 3)]
    if rng.random() < 0.3:
        body["examens"] = [{"matiere": SUBJECTS[0], "date": random_day(rng).isoformat()}]
    if rng.random() < 0.3:
        body["objectif"] = "Réviser l'analyse avant les partiels."
    return body


def progress_body(rng, world):
    if rng.random() < 0.5 and world.planning:
        s = rng.choice(world.planning["sessions"]) if world.planning["sessions"] else None
        if s:
            body = {"planningId": world.planning["_id"], "sessionId": s["_id"]}
            if rng.random() < 0.3:
                body["tempsEtudie"] = rng.randint(1, 1440)
            return body
    body = {"tempsEtudie": rng.randint(1, 1440)}
    if rng.random() < 0.5:
        body["date"] = random_day(rng).isoformat()
    if rng.random() < 0.3:
        body["sessionsCompletees"] = rng.randint(0, 100)
    if rng.random() < 0.3:
        body["matiere"] = rng.choice(SUBJECTS)
    if rng.random() < 0.3:
        body["notes"] = "Fiches de vocabulaire"
    return body


def planning_replacement(rng, world):
    p = world.planning
    sessions = []
    for s in p["sessions"]:
        if rng.random() < 0.8:
            kept = {"_id": s["_id"], "matiere": s["matiere"], "debut": s["debut"], "fin": s["fin"]}
            sessions.append(kept)
    return {"periode": p["periode"], "dateDebut": p["dateDebut"], "titre": "Remplacé", "sessions": sessions}


def session_patch(rng, world):
    body = {}
    if rng.random() < 0.6:
        body["statut"] = rng.choice(["planifie", "en_cours", "termine", "rate"])
    if rng.random() < 0.5:
        body["notes"] = rng.choice([None, "Exercices 1 à 12 faits"])
    if rng.random() < 0.3:
        body["matiere"] = rng.choice(SUBJECTS)
    return body


def query_for(rng, op_id, world):
    """Valid query parameters, as (name, value) pairs of text."""
    q = []
    if op_id == "listPlannings":
        if rng.random() < 0.3:
            q.append(("periode", rng.choice(list(PERIODS))))
        if rng.random() < 0.3:
            q.append(("from", random_day(rng).isoformat()))
        if rng.random() < 0.3:
            q.append(("to", "2027-12-31"))
        if rng.random() < 0.5:
            q.append(("limit", str(rng.randint(1, 100))))
        if rng.random() < 0.3 and world.cursor:
            q.append(("cursor", world.cursor))
    elif op_id == "getProgressReport":
        if rng.random() < 0.5:
            d = random_day(rng)
            q += [("from", d.isoformat()), ("to", (d + datetime.timedelta(days=rng.randint(0, 400))).isoformat())]
    elif op_id == "getChatHistory":
        if rng.random() < 0.5:
            q.append(("limit", str(rng.randint(1, 100))))
        if rng.random() < 0.3 and world.message_id:
            q.append(("before", world.message_id))
    return q


def path_params_for(op_id, world):
    """The values of the path parameters that name this user's own objects."""
    p = world.planning or {}
    sessions = p.get("sessions") or [{}]
    return {
        "getPlanning": {"id": p.get("_id")}, "replacePlanning": {"id": p.get("_id")},
        "deletePlanning": {"id": world.scratch_planning_id}, "exportPlanningIcs": {"id": p.get("_id")},
        "updatePlanningSession": {"id": p.get("_id"), "sessionId": sessions[0].get("_id")},
        "deleteProgressEntry": {"id": world.progress_id},
        "applyProposal": {"id": world.proposal_id or "0" * 24},
        "dismissProposal": {"id": world.proposal_id or "0" * 24},
        "getCalendarFeed": {"file": f"{world.feed_secret}.ics"},
        # A day in the span that markRestDays' seeds mark (404 when none was marked yet).
        "unmarkRestDay": {"date": (datetime.date.today() + datetime.timedelta(days=10)).isoformat()},
    }.get(op_id, {})


def headers_for(rng, op_id):
    """Headers a client of this operation may send: a chat asked as a stream of events."""
    if op_id == "chatWithCoach" and rng.random() < 0.3:
        return [("Accept", "text/event-stream")]
    return []


def body_for(rng, op_id, world):
    """A valid JSON body (a Python value) for this operation, or None when it takes none."""
    if op_id == "registerUser":
        body = {"email": world.fresh_email(), "password": "motdepasse-solide", "name": "Élève Fuzz"}
        if rng.random() < 0.5:
            body["timezone"] = rng.choice(ZONES)
        if rng.random() < 0.5:
            body["preferences"] = {"matieres": rng.sample(SUBJECTS, 2), "themes": ["bac"]}
        return body
    if op_id == "loginUser":
        return {"email": world.email, "password": world.password}
    if op_id == "updateCurrentUser":
        body = {}
        if rng.random() < 0.5:
            body["name"] = "Camille"
        if rng.random() < 0.5:
            body["timezone"] = rng.choice(ZONES)
        if rng.random() < 0.5:
            body["preferences"] = {"matieres": rng.sample(SUBJECTS, 3)}
        return body
    if op_id == "deleteCurrentUser":
        return {"password": world.password}
    if op_id == "changePassword":
        return {"currentPassword": world.password, "newPassword": "nouveau-secret-" + str(rng.randrange(10**6))}
    if op_id == "createPlanning":
        return ai_planning(rng) if rng.random() < 0.25 else manual_planning(rng)
    if op_id == "replacePlanning":
        return planning_replacement(rng, world)
    if op_id == "updatePlanningSession":
        return session_patch(rng, world)
    if op_id == "createProgressEntry":
        return progress_body(rng, world)
    if op_id == "chatWithCoach":
        body = {"message": rng.choice(MESSAGES)}
        if rng.random() < 0.4:
            body["context"] = {"page": "planning", "planningId": (world.planning or {}).get("_id", "")}
        return body
    if op_id == "markRestDays":
        # Exam days (no monthly limit) around 10 days ahead, so that seeds sent unchanged succeed.
        start = datetime.date.today() + datetime.timedelta(days=rng.randrange(8, 11))
        return {"type": "partiels", "du": start.isoformat(),
                "au": (start + datetime.timedelta(days=rng.randrange(0, 4))).isoformat()}
    return None
