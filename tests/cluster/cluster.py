"""Black-box harness for factord's cluster mode on loopback: a real Kafka broker
(scripts/kafka), gateways and workers (the real binary), and nginx running
docker/nginx.conf with only its "# loopback:" lines rewritten.

    cl = Cluster(factord, tmp).start()   # broker, 2 gateways, 2 workers, nginx
    h = cl.http()                        # through nginx
    ...
    cl.ensure_up()                       # what a test killed or stopped runs again
    cl.teardown()

Every process is a child of the one that started the cluster and dies with it; if that
process is killed with SIGKILL, a watchdog process kills what it started and wipes the
broker's directory. The test runner is runner.py; fixture.py lends one cluster to many
test processes (one ctest entry per scenario).
Only the standard library and Debian's python3-websockets; run with /usr/bin/python3.
"""

import contextlib
import ctypes
import http.client
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
KAFKA = REPO / "scripts" / "kafka"
NGINX_CONF = REPO / "docker" / "nginx.conf"

# The helpers of the `factord serve` tests (HTTP client, WebSocket client, numbers), loaded
# under another module name: both files are called harness-like names on sys.path.
_spec = importlib.util.spec_from_file_location("serve_harness", REPO / "tests" / "serve" / "harness.py")
serve = importlib.util.module_from_spec(_spec)
sys.modules["serve_harness"] = serve
_spec.loader.exec_module(serve)

Http = serve.Http
Response = serve.Response
RawWs = serve.RawWs
ws_connect = serve.ws_connect
arun = serve.arun
check_factors = serve.check_factors
semiprimes = serve.semiprimes
is_probable_prime = serve.is_probable_prime
TERMINAL = serve.TERMINAL


class ClusterError(AssertionError):
    pass


def _die_with_parent():
    # If this script dies, its children must not stay behind (PR_SET_PDEATHSIG). Children
    # are started from the main thread only: the signal follows the thread that forked.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)
    except OSError:
        pass


def _port_range():
    """Ports below the kernel's ephemeral range: a process killed by a test comes back on
    its old port, which an outgoing connection must not have taken in the meantime."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return (20000, low - 2) if low > 21000 else (low - 1000, low - 2)


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(count=1):
    """A free port P (with P+1 .. P+count-1 free too), outside the ephemeral range."""
    lo, hi = _port_range()
    rng = random.Random()
    for _ in range(500):
        p = rng.randrange(lo, hi - count)
        if all(port_free(p + i) for i in range(count)):
            return p
    raise ClusterError("no free port found in %d-%d" % (lo, hi))


def free_port_pair():
    """P and P+1 both free (the broker's controller listens on P+1)."""
    return free_port(2)


def http_status(port, path, timeout=2.0):
    """GET on 127.0.0.1:port; the status, or None when nothing answered."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        c.close()
        return r.status
    except (OSError, http.client.HTTPException):
        return None


def tail(path, lines=30):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return "(no log at %s)" % path
    return "\n".join(data[-lines:]) if data else "(empty)"


# ---------------------------------------------------------------------------------------
# Processes


class Proc:
    """A child process with its own log file and process group; restartable."""

    def __init__(self, cl, name, log_path):
        self.cl = cl
        self.name = name
        self.log_path = log_path
        self.proc = None

    def command(self):
        raise NotImplementedError

    def spawn(self):
        cmd = self.command()
        log = open(self.log_path, "ab")
        log.write(("\n### %s %s\n" % (time.strftime("%H:%M:%S"), " ".join(cmd))).encode())
        log.flush()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     preexec_fn=_die_with_parent, start_new_session=True,
                                     cwd=self.cl.tmp)
        log.close()
        self.cl.remember_pgid(self.proc.pid)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def kill9(self):
        """SIGKILL to the process (not its group: a crash kills one process)."""
        if self.alive():
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)

    def send_signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def stop(self, timeout=20.0, sig=signal.SIGTERM):
        """Signal and wait; returns the exit status (a hang is killed and reported)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
            raise ClusterError("%s did not exit within %.0f s of %s"
                               % (self.name, timeout, signal.Signals(sig).name))

    def kill_group(self):
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)

    def log_tail(self, lines=30):
        return tail(self.log_path, lines)


class Node(Proc):
    """`factord gateway` or `factord worker`, on a fixed port once chosen (nginx's upstream
    addresses are fixed, so a restarted gateway comes back on the same port)."""

    def __init__(self, cl, role, node_id, extra=()):
        super().__init__(cl, node_id, os.path.join(cl.tmp, "%s.log" % node_id))
        self.role = role
        self.node_id = node_id
        self.extra = [str(x) for x in extra]
        self.port = None

    def command(self):
        cmd = [self.cl.factord, self.role, "--kafka", self.cl.bootstrap,
               "--host", "127.0.0.1", "--port", str(self.port), "--node-id", self.node_id]
        if self.cl.topic_prefix is not None:
            cmd += ["--topic-prefix", self.cl.topic_prefix]
        if self.role == "worker":
            cmd += ["--workers", str(self.cl.worker_threads)]
        return cmd + self.extra

    def start(self, ready_timeout=60.0):
        first = self.port is None
        for _attempt in range(3):
            if first:
                self.port = free_port()
            self.spawn()
            try:
                self.wait_ready(ready_timeout)
                return self
            except ClusterError:
                if self.alive() or not first:
                    raise
                if "address already in use" not in self.log_tail(5).lower():
                    raise
        raise ClusterError("%s: no free port after 3 attempts" % self.name)

    def restart(self, ready_timeout=60.0):
        assert not self.alive(), "restart() of a running %s" % self.name
        # The old port is reused; wait until nothing listens there any more.
        deadline = time.monotonic() + 10
        while not port_free(self.port) and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.start(ready_timeout)

    def wait_ready(self, timeout=60.0, path="/readyz"):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if not self.alive():
                raise ClusterError("%s exited with status %s before it was ready"
                                   % (self.name, self.proc.returncode))
            last = http_status(self.port, path)
            if last == 200:
                return
            time.sleep(0.1)
        raise ClusterError("%s: GET %s was %s, not 200, within %.0f s"
                           % (self.name, path, last, timeout))

    def readyz(self, timeout=2.0):
        return http_status(self.port, "/readyz", timeout)

    def http(self, timeout=30.0):
        return Http(self.port, timeout)

    def ws_url(self, query="", path="/ws"):
        return "ws://127.0.0.1:%d%s%s" % (self.port, path, ("?" + query) if query else "")


class Nginx(Proc):
    def __init__(self, cl):
        super().__init__(cl, "nginx", os.path.join(cl.tmp, "nginx", "stderr.log"))
        self.prefix = os.path.join(cl.tmp, "nginx")
        self.conf = os.path.join(self.prefix, "nginx.conf")
        self.error_log = os.path.join(self.prefix, "error.log")
        self.access_log = os.path.join(self.prefix, "access.log")
        self.port = None

    def command(self):
        return ["nginx", "-p", self.prefix + "/", "-c", self.conf, "-e", self.error_log]

    def write_config(self, gateway_ports):
        os.makedirs(self.prefix, exist_ok=True)
        with open(NGINX_CONF) as f:
            text = f.read()
        conf = loopback_nginx_conf(text, self.port, gateway_ports, self.prefix,
                                   as_root=(os.geteuid() == 0))
        with open(self.conf, "w") as f:
            f.write(conf)
        t = subprocess.run(self.command() + ["-t"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if t.returncode != 0:
            raise ClusterError("nginx -t rejected the loopback config %s:\n%s"
                               % (self.conf, t.stdout.decode("utf-8", "replace")))

    def start(self, gateway_ports, ready_timeout=20.0):
        for _attempt in range(3):
            self.port = free_port()
            self.write_config(gateway_ports)
            self.spawn()
            deadline = time.monotonic() + ready_timeout
            while time.monotonic() < deadline:
                if not self.alive():
                    break
                if http_status(self.port, "/healthz") == 200:
                    return self
                time.sleep(0.1)
            if self.alive():
                raise ClusterError("nginx: GET /healthz through it was not 200 within %.0f s"
                                   % ready_timeout)
            if "address already in use" not in tail(self.error_log, 5).lower():
                raise ClusterError("nginx exited with status %s:\n%s"
                                   % (self.proc.returncode, tail(self.error_log, 10)))
        raise ClusterError("nginx: no free port after 3 attempts")

    def stop(self, timeout=10.0, sig=signal.SIGQUIT):
        try:
            return super().stop(timeout, sig)
        finally:
            self.kill_group()  # its workers, should the master have gone first

    def log_tail(self, lines=30):
        return tail(self.error_log, lines)


LOOPBACK_MARK = re.compile(r"#\s*loopback:\s*(.+?)\s*$")


def loopback_nginx_conf(text, listen_port, gateway_ports, prefix, as_root):
    """docker/nginx.conf for loopback: the lines marked `# loopback: WHAT` are rewritten,
    temp paths inside `prefix` are added, and nginx stays in the foreground. Everything
    else (the upstream's parameters, every location) is used exactly as written."""
    seen = set()
    out = ["# Generated by tests/cluster/cluster.py from docker/nginx.conf; do not edit.",
           "daemon off;", "master_process on;"]
    for line in text.splitlines():
        m = LOOPBACK_MARK.search(line)
        if m and (not line[:m.start()].strip() or line.lstrip().startswith("#")):
            m = None  # a comment that talks about the markers
        if not m:
            out.append(line)
            if re.match(r"^\s*http\s*\{", line):
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                    out.append("    %s_temp_path %s/%s_temp;" % (kind, prefix, kind))
            continue
        what = m.group(1)
        indent = line[:len(line) - len(line.lstrip())]
        directive = line[:m.start()].strip()
        seen.add(what)
        if what == "user":
            # As root, nginx would switch its workers to nobody, who cannot enter the
            # test's private temp directory; as anyone else the directive is meaningless.
            out.append(indent + ("user root;" if as_root else "# (no user directive)"))
        elif what == "pid":
            out.append(indent + "pid %s/nginx.pid;" % prefix)
        elif what == "error_log":
            out.append(indent + "error_log %s/error.log info;" % prefix)
        elif what == "access_log":
            fmt = directive.rstrip(";").split()[2:]  # keep the log format's name
            out.append(indent + "access_log %s/access.log%s;" % (prefix, "".join(" " + f for f in fmt)))
        elif what == "listen":
            out.append(indent + "listen 127.0.0.1:%d;" % listen_port)
        elif what.startswith("gateway "):
            i = int(what.split()[1]) - 1
            parts = directive.rstrip(";").split()
            assert parts[0] == "server", "marked gateway line is not a server directive: %r" % line
            parts[1] = "127.0.0.1:%d" % gateway_ports[i]
            out.append(indent + " ".join(parts) + ";")
        else:
            raise ClusterError("docker/nginx.conf: unknown loopback marker %r" % what)
    want = {"user", "pid", "error_log", "access_log", "listen"} | \
           {"gateway %d" % (i + 1) for i in range(len(gateway_ports))}
    if seen != want:
        raise ClusterError("docker/nginx.conf: loopback markers %s, expected %s"
                           % (sorted(seen), sorted(want)))
    return "\n".join(out) + "\n"


class Broker:
    """scripts/kafka on a test port and directory of its own; wiped at the end."""

    def __init__(self, cl):
        self.cl = cl
        self.dir = os.path.join(cl.tmp, "kafka")
        self.port = None
        self.log_path = os.path.join(cl.tmp, "kafka-script.log")

    @property
    def bootstrap(self):
        return "127.0.0.1:%d" % self.port

    def _script(self, *args, timeout=180):
        cmd = [str(KAFKA)] + list(args) + ["--dir", self.dir, "--port", str(self.port)]
        with open(self.log_path, "ab") as log:
            log.write(("\n### %s %s\n" % (time.strftime("%H:%M:%S"), " ".join(cmd))).encode())
            log.flush()
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                               timeout=timeout)
        return r.returncode

    def start(self):
        if self.port is None:
            self.port = free_port_pair()
        rc = self._script("start", timeout=600)  # the first start fetches the jars
        if rc != 0:
            raise ClusterError("scripts/kafka start failed (%s):\n%s" % (rc, tail(self.log_path, 30)))

    def stop(self, wipe=False):
        if self.port is None:
            return 0
        return self._script("stop", *(["--wipe"] if wipe else []), timeout=90)

    def running(self):
        return self.port is not None and self._script("status", timeout=30) == 0

    def server_log(self):
        return os.path.join(self.dir, "logs", "server.log")

    def tool(self, cls, *args, input=None, timeout=60):
        """A Kafka CLI main class on the broker's jars: (returncode, stdout, stderr)."""
        cmd = [str(KAFKA), "tool", cls] + [str(a) for a in args]
        r = subprocess.run(cmd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------
# The cluster


class Cluster:
    def __init__(self, factord, tmp, gateways=2, workers=2, worker_threads=1,
                 topic_prefix=None, node_args=()):
        self.factord = factord
        self.tmp = tmp
        self.topic_prefix = topic_prefix
        self.prefix = topic_prefix if topic_prefix is not None else "factord."
        self.worker_threads = worker_threads
        self.pgid_file = os.path.join(tmp, "pgids")
        self.watchdog = None
        self.broker = Broker(self)
        self.gateways = [Node(self, "gateway", "gw%d" % (i + 1), node_args) for i in range(gateways)]
        self.workers = [Node(self, "worker", "w%d" % (i + 1), node_args) for i in range(workers)]
        self.extra_nodes = []  # added by a test (new_node); stopped before the next one
        self.nginx = Nginx(self)

    @property
    def bootstrap(self):
        return self.broker.bootstrap

    @property
    def nodes(self):
        return self.gateways + self.workers

    def new_node(self, role, node_id, extra=()):
        """A node beyond the standing gateways and workers, not started yet. The cluster
        owns it: ensure_up() stops it before the next test, teardown() at the end."""
        self.extra_nodes = [n for n in self.extra_nodes if n.node_id != node_id or n.alive()]
        if any(n.node_id == node_id for n in self.nodes + self.extra_nodes):
            raise ClusterError("a node %s exists already" % node_id)
        node = Node(self, role, node_id, extra)
        self.extra_nodes.append(node)
        return node

    def remember_pgid(self, pgid):
        with open(self.pgid_file, "a") as f:
            f.write("%d\n" % pgid)

    def _start_watchdog(self):
        # Outlives this script (own session): if the script is SIGKILLed (a ctest timeout),
        # it kills the process groups started here and stops and wipes the broker.
        script = (
            'while kill -0 "$1" 2>/dev/null; do sleep 1; done\n'
            'for g in $(cat "$2" 2>/dev/null); do kill -KILL -- "-$g" 2>/dev/null; done\n'
            '"$3" stop --wipe --dir "$4" --port "$5" >/dev/null 2>&1\n')
        self.watchdog = subprocess.Popen(
            ["bash", "-c", script, "watchdog", str(os.getpid()), self.pgid_file, str(KAFKA),
             self.broker.dir, str(self.broker.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def start(self):
        self.broker.port = free_port_pair()
        self._start_watchdog()
        t0 = time.monotonic()
        self.broker.start()
        self.t_broker = time.monotonic() - t0
        for n in self.nodes:
            n.start()
        self.nginx.start([g.port for g in self.gateways])
        return self

    def ensure_up(self):
        """Starts again whatever a previous test stopped or killed, stops the nodes it
        added (a test cut short by a timeout leaves them running), then waits for all."""
        for n in self.extra_nodes:
            if n.alive():
                try:
                    n.stop(20)
                except ClusterError:
                    pass  # killed by stop(); the next test starts from the standing nodes
        self.extra_nodes = []
        if not self.broker.running():
            self.broker.start()
        for n in self.nodes:
            if not n.alive():
                n.restart()
        for n in self.nodes:
            n.wait_ready(60)
        if not self.nginx.alive():
            self.nginx.start([g.port for g in self.gateways])

    def teardown(self):
        """Stops everything; returns {name: exit status} of the factord processes."""
        rcs = {}
        with contextlib.suppress(Exception):
            self.nginx.stop()
        for n in self.extra_nodes:
            n.kill_group()
        for n in self.nodes:
            if not n.alive():  # killed by a test, or already stopped: nothing to judge
                n.kill_group()
                continue
            try:
                rcs[n.name] = n.stop(20)
            except Exception as e:  # a hang: killed, and reported
                rcs[n.name] = "hung (%s)" % e
            n.kill_group()
        try:
            if self.broker.port is not None and os.path.isfile(self.broker.server_log()):
                shutil.copy(self.broker.server_log(), os.path.join(self.tmp, "kafka-server.log"))
        except OSError:
            pass
        with contextlib.suppress(Exception):
            self.broker.stop(wipe=True)
        if self.watchdog is not None and self.watchdog.poll() is None:
            self.watchdog.kill()
            self.watchdog.wait()
        return rcs

    # -- clients -------------------------------------------------------------------------

    def http(self, timeout=30.0):
        """A keep-alive connection through nginx."""
        return Http(self.nginx.port, timeout)

    def ws_url(self, query="", path="/ws"):
        return "ws://127.0.0.1:%d%s%s" % (self.nginx.port, path, ("?" + query) if query else "")

    def topic(self, name):
        return self.prefix + name

    def diagnose(self, label):
        """After a failure, while everything still runs: each live node's /metrics and
        /v1/actors into files, the consumer groups' offsets and lag; returns a summary."""
        out_dir = os.path.join(self.tmp, "diag-" + label)
        os.makedirs(out_dir, exist_ok=True)
        summary = ["--- diagnostics in %s ---" % out_dir]
        for n in self.nodes:
            if not n.alive():
                continue
            h = n.http(timeout=5)
            try:
                metrics = h.get("/metrics").body.decode("utf-8", "replace")
                actors = h.get("/v1/actors").body.decode("utf-8", "replace")
            except Exception as e:  # noqa: BLE001
                summary.append("%s: /metrics or /v1/actors failed: %r" % (n.name, e))
                continue
            finally:
                h.close()
            with open(os.path.join(out_dir, n.name + "-metrics.txt"), "w") as f:
                f.write(metrics)
            with open(os.path.join(out_dir, n.name + "-actors.json"), "w") as f:
                f.write(actors)
            keep = [l for l in metrics.splitlines() if not l.startswith("#") and re.search(
                r"kafka|queued|running|callers_waiting|workers_busy|jobs_total", l)]
            summary.append("%s metrics: %s" % (n.name, "; ".join(keep)[:1500]))
            try:
                doc = json.loads(actors)
                for a in doc.get("actors", []):
                    if re.search(r"kafka|bridge|dispatcher|caller-queue|registry", a.get("kind", "")):
                        summary.append("  %s %s %s mailbox=%s state=%s" % (
                            n.name, a.get("kind"), a.get("role", ""), a.get("mailbox"),
                            json.dumps(a.get("state"), sort_keys=True)[:400]))
            except ValueError:
                pass
        if self.broker.port is not None:
            try:
                rc, out, err = self.broker.tool(
                    "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                    "--bootstrap-server", self.bootstrap, "--describe", "--all-groups",
                    timeout=40)
                with open(os.path.join(out_dir, "consumer-groups.txt"), "w") as f:
                    f.write(out + "\n" + err)
                rows = [l for l in out.splitlines() if l.strip() and "console-consumer" not in l]
                summary.append("consumer groups (rc %s):\n%s" % (rc, "\n".join(rows[:30])))
            except Exception as e:  # noqa: BLE001
                summary.append("consumer groups: %r" % e)
        return "\n".join(summary)

    def logs(self, lines=25):
        out = []
        for n in self.nodes:
            out.append("--- %s (%s, port %s, %s) log tail: %s ---\n%s"
                       % (n.name, n.role, n.port, "alive" if n.alive() else "not running",
                          n.log_path, n.log_tail(lines)))
        out.append("--- nginx error log: %s ---\n%s" % (self.nginx.error_log,
                                                        tail(self.nginx.error_log, 12)))
        out.append("--- kafka server log: %s ---\n%s" % (self.broker.server_log(),
                                                         tail(self.broker.server_log(), 8)))
        return "\n".join(out)
