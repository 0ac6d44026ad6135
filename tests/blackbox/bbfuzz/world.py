"""One fuzzing client's own user and objects, so that routes with ids have real targets: a planning
with sessions, a spare planning and a progress entry to delete, a pending proposal, a chat message,
a calendar feed. What a successful request destroys is made again before it is needed next."""
import threading

from . import seeds

PASSWORD = "motdepasse-solide"


class SetupError(Exception):
    """The server refused a valid request the fuzzer needs to build its targets."""


class World:
    def __init__(self, name, rng, api):
        """`api(method, path, body=None, token=None, query=()) -> (status, json or None)`."""
        self.name = name
        self.rng = rng
        self.api = api
        self.emails = 0
        self.email = self.password = self.token = self.user_id = None
        self.planning = None
        self.scratch_planning_id = self.progress_id = self.proposal_id = self.message_id = None
        self.feed_secret = None
        self.cursor = None
        self.stale = {"user"}
        self.lock = threading.RLock()  # two clients may share this user (runner.Config.shared_users)

    # -------------------------------------------------------------------- helpers

    def fresh_email(self):
        self.emails += 1
        return f"fuzz-{self.name}-{self.emails}-{self.rng.randrange(16**8):08x}@example.com"

    def _call(self, method, path, body=None, expect=(200, 201, 204), token=None, query=()):
        status, data = self.api(method, path, body=body, token=token or self.token, query=query)
        if status not in expect:
            raise SetupError(f"{self.name}: {method} {path} answered {status}: {data!r:.300}")
        return data

    # -------------------------------------------------------------------- building

    def ensure(self):
        """Makes again whatever a previous request destroyed."""
        with self.lock:
            self._ensure()

    def _ensure(self):
        if "user" in self.stale:
            self._register()
            self.stale = {"planning", "scratch", "progress", "proposal", "feed"}
        for part in ("planning", "scratch", "progress", "proposal", "feed"):
            if part in self.stale:
                getattr(self, "_make_" + part)()
                self.stale.discard(part)

    def _register(self):
        self.email, self.password = self.fresh_email(), PASSWORD
        data = self._call("POST", "/api/auth/register", {
            "email": self.email, "password": self.password, "name": f"Élève {self.name}",
            "timezone": "Europe/Paris", "preferences": {"matieres": seeds.SUBJECTS[:3]}}, expect=(201,))
        self.token, self.user_id = data["token"], data["user"]["_id"]

    def _make_planning(self):
        start = seeds.random_day(self.rng)
        sessions = seeds.sessions_for(self.rng, start, 7, 4)
        self.planning = self._call("POST", "/api/planning", {
            "periode": "semaine", "dateDebut": seeds.start_text(self.rng, start, exact=True), "sessions": sessions},
            expect=(201,))
        page = self._call("GET", "/api/planning", query=(("limit", "1"),), expect=(200,))
        self.cursor = page.get("nextCursor")

    def _make_scratch(self):
        self.scratch_planning_id = self._call("POST", "/api/planning", seeds.manual_planning(self.rng, exact=True),
                                              expect=(201,))["_id"]

    def _make_progress(self):
        self.progress_id = self._call("POST", "/api/progress", {"tempsEtudie": 30}, expect=(201,))["_id"]

    def _make_proposal(self):
        # Applied proposals fill the coming days: when a week has no room left, a longer period has.
        for period in ("la semaine", "le mois", "le semestre"):
            reply = self._call("POST", "/api/chat", {"message": f"fais-moi un planning pour {period}"},
                               expect=(200,))
            self.message_id = reply["messageId"]
            pending = [p["_id"] for p in reply.get("proposals", []) if p.get("status") == "pending"]
            if pending:
                self.proposal_id = pending[0]
                return
        self.proposal_id = None  # the routes of proposals then get an unknown id (404)

    def _make_feed(self):
        url = self._call("POST", "/api/users/me/calendar-feed", expect=(201,))["url"]
        self.feed_secret = url.rsplit("/", 1)[1][:-len(".ics")]

    def spare_token(self):
        """A second token of this user (for logout, which revokes the token it is given)."""
        return self._call("POST", "/api/auth/login", {"email": self.email, "password": self.password},
                          expect=(200,))["token"]

    # -------------------------------------------------------------------- after an answer

    def after(self, op_id, status, data, sent_body, mutated):
        """What a request that was answered `status` changed in this user's data."""
        with self.lock:
            self._after(op_id, status, data, sent_body, mutated)

    def _after(self, op_id, status, data, sent_body, mutated):
        if not 200 <= status < 300:
            return
        if op_id == "deleteCurrentUser":
            self.stale.add("user")
        elif op_id == "changePassword":
            if mutated or not isinstance(sent_body, dict):
                self.stale.add("user")  # which password holds now is not certain
            else:
                self.password = sent_body["newPassword"]
        elif op_id in ("replacePlanning", "updatePlanningSession"):
            if isinstance(data, dict) and data.get("_id") == (self.planning or {}).get("_id"):
                self.planning = data
            else:
                self.stale.add("planning")
        elif op_id == "deletePlanning":
            self.stale.add("scratch")
        elif op_id == "deleteProgressEntry":
            self.stale.add("progress")
        elif op_id in ("applyProposal", "dismissProposal", "clearChatHistory"):
            self.stale.add("proposal")
        elif op_id == "createCalendarFeed" and isinstance(data, dict) and "url" in data:
            self.feed_secret = data["url"].rsplit("/", 1)[1][:-len(".ics")]
        elif op_id == "deleteCalendarFeed":
            self.stale.add("feed")
        elif op_id == "chatWithCoach" and isinstance(data, dict) and data.get("messageId"):
            self.message_id = data["messageId"]

    def owned_ids(self):
        """Ids of this user's objects, to be used by another user (who must get 404)."""
        p = self.planning or {}
        return {"planning": p.get("_id"), "session": (p.get("sessions") or [{}])[0].get("_id"),
                "progress": self.progress_id, "proposal": self.proposal_id, "message": self.message_id,
                "feed": self.feed_secret}

    def snapshot(self):
        """What must not change when other users send requests: this user's stored data."""
        export = self._call("GET", "/api/users/me/export", expect=(200,))
        export.pop("exportedAt", None)
        return export
