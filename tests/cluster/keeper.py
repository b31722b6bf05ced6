"""The keeper: one factord cluster kept for many test processes (fixture.py is their
side). It starts a Cluster, owns its processes (they are its children and die with it) and
answers requests on a Unix socket, one at a time and in its main thread: a child's death
signal follows the thread that forked it. One JSON object a line each way: a request
{"op": ..., "node": ...}, an answer {...} or {"error": "..."}.

    keeper.py --factord F --tmp DIR --socket PATH --owner PID [--topic-prefix P] [--keep]

It tears the cluster down and exits on a "teardown" request, on SIGTERM, once the owner
(the process that started the fixture: ctest) is gone, or after IDLE_LIMIT without a
request, so an interrupted ctest run leaves nothing running. Its log (one line a
request) goes to stdout; fixture.start() points it at DIR/keeper.log.
"""

import argparse
import contextlib
import json
import shutil
import signal
import socket
import sys
import time
import traceback

from cluster import Cluster, ClusterError

IDLE_LIMIT = 3600.0  # seconds without a request after which the keeper gives up


def start_time(pid):
    """The process's start time in clock ticks (pids are recycled), or None if it is gone
    or a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if len(fields) < 20 or fields[0] == "Z" else fields[19]


class Keeper:
    def __init__(self, cl, socket_path, owner_pid, keep):
        self.cl = cl
        self.socket_path = socket_path
        self.owner = (owner_pid, start_time(owner_pid))
        self.keep = keep
        self.failed = []  # tests that reported a failure: their files are kept
        self.done = False
        self.torn_down = None  # teardown()'s answer
        self.t_start = None

    def log(self, text):
        print("%s %s" % (time.strftime("%H:%M:%S"), text), flush=True)

    def run(self):
        try:
            return self.serve()
        except KeyboardInterrupt as e:
            self.log("interrupted (%s)" % (str(e) or "^C"))
            return 1
        finally:
            reply = self.teardown() if not self.done else self.torn_down
            if not reply["kept"]:
                shutil.rmtree(self.cl.tmp, ignore_errors=True)

    def serve(self):
        t0 = time.monotonic()
        try:
            self.cl.start()
        except Exception:  # noqa: BLE001  (the starter shows this log)
            self.log("cluster start failed:\n" + traceback.format_exc() + self.cl.logs())
            self.failed.append("cluster start")
            return 1
        self.t_start = time.monotonic() - t0
        self.log("cluster up in %.1f s (broker %.1f s)" % (self.t_start, self.cl.t_broker))
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(self.socket_path)
        srv.listen(16)
        srv.settimeout(1.0)
        last_request = time.monotonic()
        with srv:
            while not self.done:
                try:
                    conn, _ = srv.accept()
                except socket.timeout:
                    why = self.abandoned(last_request)
                    if why:
                        self.log(why)
                        return 0
                    continue
                last_request = time.monotonic()
                with conn:
                    self.answer(conn)
        return 0

    def abandoned(self, last_request):
        pid, started = self.owner
        if started is not None and start_time(pid) != started:
            return "the process that started the fixture (pid %d) is gone" % pid
        if time.monotonic() - last_request > IDLE_LIMIT:
            return "no request for %.0f s" % IDLE_LIMIT
        return None

    def answer(self, conn):
        conn.settimeout(10)
        data = b""
        with contextlib.suppress(OSError):
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
        t0 = time.monotonic()
        req = {}
        try:
            req = json.loads(data.decode("utf-8"))
            reply = self.handle(req)
        except (AssertionError, KeyError, ValueError) as e:
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        except Exception:  # noqa: BLE001  (the test process reports it)
            reply = {"error": traceback.format_exc()}
        self.log("%s %s (%.2f s)%s" % (req.get("op"), req.get("node", ""), time.monotonic() - t0,
                                       " error: " + reply["error"] if "error" in reply else ""))
        with contextlib.suppress(OSError):  # a test process killed while it waited
            conn.sendall(json.dumps(reply).encode() + b"\n")

    def node(self, name):
        for n in self.cl.nodes + self.cl.extra_nodes:
            if n.name == name:
                return n
        raise ClusterError("no node %r in this cluster" % name)

    def handle(self, req):
        op = req["op"]
        cl = self.cl
        if op == "describe":
            return self.describe()
        if op == "ensure_up":
            cl.ensure_up()
            return self.describe()
        if op == "add_node":
            cl.new_node(req["role"], req["node"], req.get("extra", ()))
            return {}
        if op == "diagnose":
            return {"text": cl.diagnose(req["label"])}
        if op == "logs":
            return {"text": cl.logs()}
        if op == "failed":
            self.failed.append(req["test"])
            return {}
        if op == "teardown":
            return self.teardown()
        n = self.node(req["node"])
        if op == "alive":
            return {"alive": n.alive()}
        if op == "kill9":
            n.kill9()
            return {}
        if op == "stop":
            sig = signal.Signals(req.get("sig", signal.SIGTERM))
            return {"rc": n.stop(req.get("timeout", 20.0), sig)}
        if op in ("start", "restart"):
            getattr(n, op)(req.get("ready_timeout", 60.0))
            return {"port": n.port}
        if op == "wait_ready":
            n.wait_ready(req.get("timeout", 60.0))
            return {}
        raise ValueError("unknown request %r" % op)

    def describe(self):
        cl = self.cl

        def info(n):
            return {"name": n.name, "role": n.role, "port": n.port, "log_path": n.log_path}
        return {"tmp": cl.tmp, "factord": cl.factord, "topic_prefix": cl.topic_prefix, "prefix": cl.prefix,
                "broker_port": cl.broker.port, "broker_dir": cl.broker.dir,
                "nginx_port": cl.nginx.port, "t_broker": cl.t_broker, "t_start": self.t_start,
                "gateways": [info(n) for n in cl.gateways], "workers": [info(n) for n in cl.workers]}

    def teardown(self):
        # Bounded (SIGTERM, then SIGKILL); a signal now must not cut it short.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        self.done = True
        rcs = self.cl.teardown()
        bad = {k: v for k, v in rcs.items() if v not in (0, None)}
        kept = self.keep or bool(self.failed) or bool(bad)
        self.log("torn down; exit statuses %r; files %s" % (rcs, "kept" if kept else "removed"))
        self.torn_down = {"rcs": rcs, "bad": bad, "failed": self.failed, "tmp": self.cl.tmp,
                          "kept": kept}
        return self.torn_down


def keeper_main():
    ap = argparse.ArgumentParser(description="keeps one factord cluster for many test processes")
    ap.add_argument("--factord", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--socket", required=True)
    ap.add_argument("--owner", type=int, required=True)
    ap.add_argument("--topic-prefix", default=None)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()

    def on_term(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_term)
    cl = Cluster(a.factord, a.tmp, topic_prefix=a.topic_prefix)
    sys.exit(Keeper(cl, a.socket, a.owner, a.keep).run())


if __name__ == "__main__":
    keeper_main()
