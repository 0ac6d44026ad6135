# shellcheck shell=bash
# Helpers of the web benchmarks (web_weight.sh, lighthouse.sh), on top of lib.sh.

# True when the running server serves the embedded web app (its listening line says so).
web_app_served() {
  grep -q '"web_app":true' "$SERVER_LOG" && curl -fsS "$BASE_URL/" | grep -qi '<!doctype html'
}

# Registers an account in Europe/Paris with subjects and a planning of this week (two sessions a
# day, Monday to Sunday), and prints its cookie: token=<JWT>.
week_account() {
  /usr/bin/python3 - "$BASE_URL" <<'PY'
import datetime as dt, json, sys, urllib.request, uuid
from zoneinfo import ZoneInfo
base = sys.argv[1]
tz = ZoneInfo("Europe/Paris")
def post(path, body, token=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=h, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)
token = post("/api/auth/register", {"email": f"bench-{uuid.uuid4().hex[:8]}@example.com", "password": "bench-password-123",
                                    "name": "Bench", "timezone": "Europe/Paris",
                                    "preferences": {"matieres": ["Mathématiques", "Physique", "Histoire"]}})["token"]
today = dt.datetime.now(tz).date()
monday = today - dt.timedelta(days=today.weekday())
sessions = []
for i in range(7):
    d = monday + dt.timedelta(days=i)
    for j, (h, m) in enumerate(((10, "Mathématiques"), (15, "Physique" if i % 2 else "Histoire"))):
        a = dt.datetime(d.year, d.month, d.day, h, tzinfo=tz)
        sessions.append({"matiere": m, "debut": a.isoformat(), "fin": (a + dt.timedelta(minutes=90)).isoformat()})
post("/api/planning", {"periode": "semaine", "dateDebut": monday.isoformat(), "titre": "Semaine de bench", "sessions": sessions}, token)
print("token=" + token)
PY
}
