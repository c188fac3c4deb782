#!/usr/bin/env python3
"""Client side of bench/event-applications.sh: the last seconds of an event's application window
and the review that follows, against two LiênKết nodes sharing one PostgreSQL database.

Reads the file written by `lienket gen-data --event-applicants N --tokens-out FILE`, then:
  1. just before the window closes (--lead seconds), every applicant but the last --late ones
     submits at the same moment, each from its own thread over a connection opened beforehand,
     alternating between the nodes; --dupes of them submit a second time in the same instant
     on the other node, and --resubmit others a second time half-way to the close;
  2. the last --late applicants submit just after the close (--late-after seconds);
  3. once the window is closed, --approvers staff clients (alternating nodes) approve every
     submitted application at once, so the last booths are raced for;
  4. baseline in the same run: GET /healthz with the same burst and the same clients.
Then it reads the database with psql and prints what was accepted, lost, duplicated, accepted
late or approved beyond capacity, with p50/p99 latencies. It never fails on a number.

Usage: bench/event-applications.py --tokens FILE --nodes URL,URL --database-url URL
Only the Python standard library; loopback only.
"""
import argparse, collections, datetime, http.client, json, math, subprocess, sys, threading, time
import urllib.parse

threading.stack_size(512 * 1024)


class Node:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.url, self.host, self.port = url, u.hostname, u.port or 80


class Result:
    __slots__ = ("tag", "node", "status", "code", "latency_ms", "sent_at", "body", "error")

    def __init__(self, tag, node):
        self.tag, self.node = tag, node
        self.status, self.code, self.latency_ms, self.sent_at, self.body, self.error = 0, None, None, None, None, None


def call(conn, tag, node, method, path, body, token):
    """One request on an open (or lazily opened) connection; never raises."""
    r = Result(tag, node)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    r.sent_at = time.time()
    t0 = time.perf_counter()
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        r.status = resp.status
    except (OSError, http.client.HTTPException) as e:
        r.error = f"{type(e).__name__}: {e}"
        conn.close()
        raw = b""
    r.latency_ms = (time.perf_counter() - t0) * 1000
    if raw:
        try:
            r.body = json.loads(raw)
        except ValueError:
            r.body = None
    if isinstance(r.body, dict) and isinstance(r.body.get("error"), dict):
        r.code = r.body["error"].get("code")
    return r


class Burst:
    """Requests sent at one moment, each from its own thread over a connection opened beforehand."""

    def __init__(self, name, requests, timeout):
        self.name, self.requests, self.timeout = name, requests, timeout
        self.go = threading.Event()
        self.connected = threading.Semaphore(0)
        self.results = [None] * len(requests)
        self.threads = []

    def start(self):
        for i, req in enumerate(self.requests):
            t = threading.Thread(target=self._run, args=(i, req), daemon=True)
            t.start()
            self.threads.append(t)

    def wait_connected(self, until):
        for _ in self.requests:
            if not self.connected.acquire(timeout=max(0.0, until - time.time())):
                return False
        return True

    def _run(self, i, req):
        tag, node, method, path, body, token = req
        conn = http.client.HTTPConnection(node.host, node.port, timeout=self.timeout)
        try:
            conn.connect()
        except OSError:
            pass  # connects again on the request, and the failure is recorded there
        self.connected.release()
        self.go.wait()
        self.results[i] = call(conn, tag, node, method, path, body, token)
        conn.close()

    def join(self):
        for t in self.threads:
            t.join(self.timeout + 5)
        return [r for r in self.results if r is not None]


def closed_loop(jobs, nodes, clients, timeout):
    """`clients` threads, client i on node i % len(nodes) over one kept-alive connection, taking
    jobs (tag, method, path, body, token) from a shared list; all start at the same moment."""
    lock, it, out = threading.Lock(), iter(jobs), []
    start = threading.Barrier(clients + 1)

    def worker(i):
        node = nodes[i % len(nodes)]
        conn = http.client.HTTPConnection(node.host, node.port, timeout=timeout)
        mine = []
        start.wait()
        while True:
            with lock:
                job = next(it, None)
            if job is None:
                break
            tag, method, path, body, token = job
            mine.append(call(conn, tag, node, method, path, body, token))
        conn.close()
        with lock:
            out.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return out, time.perf_counter() - t0


def pct(xs, p):
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]


def statuses(results):
    c = collections.Counter((r.status, r.code or r.error or "") for r in results)
    return ", ".join(f"{s or 'no answer'}{' ' + k if k else ''} ×{n}" for (s, k), n in sorted(c.items(), key=str))


def sql(url, query):
    out = subprocess.run(["psql", url, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def sleep_until(t):
    while True:
        d = t - time.time()
        if d <= 0:
            return
        time.sleep(min(d, 0.5) if d > 0.02 else d)


def submission(applicant, booth_type_id, i):
    return {
        "organisation_id": applicant["organisation_id"],
        "booth_type_id": booth_type_id,
        "booth_count": 1,
        "products": [applicant["product_id"]],
        "contact_name": "Nguyễn Văn An",
        "contact_phone": f"09{10_000_000 + i:08d}",
        "notes": "Đăng ký gian hàng (đo tải).",
        "submit": True,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", required=True, help="file written by gen-data --tokens-out")
    ap.add_argument("--nodes", required=True, help="base URLs of the nodes, comma-separated")
    ap.add_argument("--database-url", required=True, help="the nodes' PostgreSQL database, for psql")
    ap.add_argument("--late", type=int, default=50, help="applicants (the last ones) who submit after the close")
    ap.add_argument("--dupes", type=int, default=50, help="applicants who also submit at the same moment on the other node")
    ap.add_argument("--resubmit", type=int, default=50, help="applicants who submit again half-way to the close")
    ap.add_argument("--lead", type=float, default=3.0, help="seconds before the close when the burst is fired")
    ap.add_argument("--late-after", type=float, default=0.3, help="seconds after the close when the late ones submit")
    ap.add_argument("--approvers", type=int, default=32, help="concurrent staff clients approving")
    ap.add_argument("--timeout", type=float, default=60.0)
    a = ap.parse_args()

    bench = json.load(open(a.tokens, encoding="utf-8"))
    nodes = [Node(u) for u in a.nodes.split(",") if u]
    event_id, booth_type_id, capacity = bench["event_id"], bench["booth_type_id"], bench["capacity"]
    staff = bench["staff_token"]
    close = datetime.datetime.fromisoformat(bench["closes_at"].replace("Z", "+00:00")).timestamp()
    applicants = bench["applicants"]
    late = applicants[len(applicants) - a.late:] if a.late else []
    on_time = applicants[:len(applicants) - len(late)]
    dupes = on_time[:a.dupes]
    resubmit = on_time[a.dupes:a.dupes + a.resubmit]
    resubmitted = {x["organisation_id"] for x in dupes + resubmit}

    # The events API must be there: read the event from every node.
    for node in nodes:
        conn = http.client.HTTPConnection(node.host, node.port, timeout=a.timeout)
        r = call(conn, "event", node, "GET", f"/api/v1/events/{event_id}", None, staff)
        conn.close()
        if r.status != 200 or not isinstance(r.body, dict):
            sys.exit(f"GET /api/v1/events/{event_id} on {node.url}: {r.status or r.error} "
                     "(is the events API in this build?)")
        if r.body.get("status") != "published":
            sys.exit(f"event {event_id} is {r.body.get('status')!r}, not published")

    path = f"/api/v1/events/{event_id}/applications"
    index = {x["organisation_id"]: i for i, x in enumerate(applicants)}

    def submit_req(tag, applicant, node):
        i = index[applicant["organisation_id"]]
        return (tag, node, "POST", path, submission(applicant, booth_type_id, i), applicant["token"])

    first = [submit_req(("first", x["organisation_id"]), x, nodes[i % len(nodes)]) for i, x in enumerate(on_time)]
    first += [submit_req(("dupe", x["organisation_id"]), x, nodes[(i + 1) % len(nodes)]) for i, x in enumerate(dupes)]
    second = [submit_req(("resubmit", x["organisation_id"]), x, nodes[(i + 1) % len(nodes)])
              for i, x in enumerate(resubmit)]
    after = [submit_req(("late", x["organisation_id"]), x, nodes[i % len(nodes)]) for i, x in enumerate(late)]

    fire_first, fire_second, fire_late = close - a.lead, close - a.lead / 2, close + a.late_after
    left = fire_first - time.time()
    if left < 2.5:
        sys.exit(f"the window closes in {close - time.time():.1f} s: too soon to prepare the burst "
                 "(use a later --event-closes-in)")
    print(f"event {event_id}: {len(applicants)} applicants, {capacity} booths, window closes in "
          f"{close - time.time():.1f} s; firing {len(first)} submissions {a.lead:.1f} s before the close "
          f"({len(dupes)} of them a second submission on the other node), {len(second)} again "
          f"{a.lead / 2:.1f} s before, {len(after)} {a.late_after:.1f} s after", flush=True)

    sleep_until(fire_first - 2.0)
    bursts = [Burst("first", first, a.timeout), Burst("resubmit", second, a.timeout), Burst("late", after, a.timeout)]
    for b in bursts:
        b.start()
    all_connected = all(b.wait_connected(fire_first - 0.1) for b in bursts)
    for b, at in zip(bursts, (fire_first, fire_second, fire_late)):
        sleep_until(at)
        b.go.set()
    subs = [r for b in bursts for r in b.join()]
    sleep_until(close + 1.0)

    # Review: every submitted application approved at once by several staff clients.
    conn = http.client.HTTPConnection(nodes[0].host, nodes[0].port, timeout=a.timeout)
    r = call(conn, "list", nodes[0], "GET", f"{path}?state=submitted", None, staff)
    conn.close()
    if r.status != 200 or not isinstance(r.body, dict):
        sys.exit(f"GET {path}?state=submitted: {r.status or r.error}")
    pending = [x for x in r.body.get("items", []) if x.get("state") == "submitted"]
    if isinstance(r.body.get("total"), int) and r.body["total"] > len(r.body.get("items", [])):
        print(f"  the list holds {len(r.body['items'])} of {r.body['total']} submitted applications: "
              "only those are reviewed")
    jobs = [(("approve", x["id"]), "POST", f"/api/v1/applications/{x['id']}/review",
             {"decision": "approved", "note": None, "version": x["version"]}, staff) for x in pending]
    approvals, approvals_s = closed_loop(jobs, nodes, a.approvers, a.timeout)

    # Baselines: /healthz with the same burst shape and the same closed loop.
    hb = Burst("healthz", [(("healthz", i), nodes[i % len(nodes)], "GET", "/healthz", None, None)
                           for i in range(len(first))], a.timeout)
    hb.start()
    hb.wait_connected(time.time() + 10)
    hb.go.set()
    health_burst = hb.join()
    health_loop, _ = closed_loop([(("healthz", i), "GET", "/healthz", None, None) for i in range(max(len(jobs), 1))],
                                 nodes, a.approvers, a.timeout)

    # The database's word.
    rows = sql(a.database_url,
               "SELECT a.id, a.organisation_id, a.state, a.booth_count, "
               "COALESCE(a.submitted_at > e.applications_close_at, false) "
               f"FROM event_applications a JOIN events e ON e.id = a.event_id WHERE a.event_id = {int(event_id)}")
    cap_db, approved_counter = map(int, sql(a.database_url,
                                            "SELECT capacity, approved FROM event_booth_types "
                                            f"WHERE id = {int(booth_type_id)}")[0])
    row_ids = {int(x[0]) for x in rows}
    rows_per_org = collections.Counter(int(x[1]) for x in rows)
    approved_booths = sum(int(x[3]) for x in rows if x[2] == "approved")
    late_rows = sum(1 for x in rows if x[4] == "t")

    accepted = [r for r in subs if r.status == 201]
    accepted_per_org = collections.Counter(r.tag[1] for r in accepted)
    def has_row(r):
        if isinstance(r.body, dict) and "id" in r.body:
            return r.body["id"] in row_ids
        return r.tag[1] in rows_per_org

    lost = [r for r in accepted if not has_row(r)]
    twice = collections.defaultdict(list)
    for r in subs:
        if r.tag[0] in ("dupe", "resubmit") or (r.tag[0] == "first" and r.tag[1] in resubmitted):
            twice[r.tag[1]].append(r.status)
    one_of_two = sum(1 for v in twice.values() if sorted(v) == [201, 409])
    duplicated_rows = sum(n - 1 for n in rows_per_org.values() if n > 1)
    duplicate_accepts = sum(n - 1 for n in accepted_per_org.values() if n > 1)
    unanswered_rows = sum(1 for org in rows_per_org if org not in accepted_per_org)
    accepted_after_close = [r for r in accepted if r.sent_at > close]
    by_tag = collections.defaultdict(list)
    for r in subs:
        by_tag[r.tag[0]].append(r)
    approved_ok = [r for r in approvals if r.status == 200]
    refused_full = [r for r in approvals if r.status == 409 and r.code == "refused"]
    stale = [r for r in approvals if r.status == 409 and r.code == "conflict"]
    expected_approved = min(cap_db, sum(int(x.get("booth_count", 1)) for x in pending))

    for name in ("first", "dupe", "resubmit", "late"):
        rs = by_tag.get(name, [])
        if rs:
            sent = [r.sent_at for r in rs]
            print(f"  {name:<9} {len(rs):>4} sent over {(max(sent) - min(sent)) * 1000:.0f} ms "
                  f"(from {min(sent) - close:+.2f} s to the close): {statuses(rs)}")
    print(f"  approvals {len(approvals):>4} by {a.approvers} clients in {approvals_s:.2f} s: {statuses(approvals)}")
    if not all_connected:
        print("  (some connections were not open before the burst: they connected on their request)")

    checks = [
        ("submissions answered 201", len(accepted), None),
        ("applications in the database", len(rows), None),
        ("lost: 201 without a row", len(lost), 0),
        ("rows without a 201 answer", unanswered_rows, 0),
        ("duplicated rows (organisation, event)", duplicated_rows, 0),
        ("organisations answered 201 twice", duplicate_accepts, 0),
        ("submitted twice: one 201 and one 409", one_of_two, len(resubmitted)),
        ("late submissions answered 201", sum(1 for r in by_tag["late"] if r.status == 201), 0),
        ("201 for requests sent after the close", len(accepted_after_close), 0),
        ("rows submitted after the close", late_rows, 0),
        ("booth capacity", cap_db, capacity),
        ("approved booths (rows)", approved_booths, expected_approved),
        ("approved booths (counter)", approved_counter, approved_booths),
        ("over capacity", max(0, approved_booths - cap_db), 0),
        ("approvals answered 200", len(approved_ok), approved_booths),
        ("approvals refused (full)", len(refused_full), len(pending) - expected_approved),
        ("approvals refused (stale version)", len(stale), 0),
    ]
    print(f"\n{'':<40}{'value':>8}{'expected':>10}")
    for name, value, expected in checks:
        mark = "" if expected is None or value == expected else "   <-- differs"
        print(f"{name:<40}{value:>8}{'' if expected is None else expected:>10}{mark}")

    def lat(rs):
        return [r.latency_ms for r in rs if r.status]

    burst = by_tag["first"] + by_tag["dupe"]
    sub_lat, app_lat, hb_lat, hl_lat = lat(burst), lat(approvals), lat(health_burst), lat(health_loop)
    print(f"\n{'latency (ms)':<40}{'n':>8}{'p50':>10}{'p99':>10}{'max':>10}")
    for name, xs in [(f"submissions (burst of {len(burst)})", sub_lat), ("baseline: /healthz, same burst", hb_lat),
                     (f"approvals ({a.approvers} clients)", app_lat),
                     (f"baseline: /healthz, {a.approvers} clients", hl_lat)]:
        print(f"{name:<40}{len(xs):>8}{pct(xs, 50):>10.1f}{pct(xs, 99):>10.1f}{max(xs, default=float('nan')):>10.1f}")
    if hb_lat and sub_lat and hl_lat and app_lat:
        print(f"\nratio to baseline: submissions p99 {pct(sub_lat, 99) / pct(hb_lat, 99):.1f}x, "
              f"approvals p99 {pct(app_lat, 99) / pct(hl_lat, 99):.1f}x")


if __name__ == "__main__":
    main()
