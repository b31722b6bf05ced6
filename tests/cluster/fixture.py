"""One cluster lent to many test processes, so that ctest can run each scenario of
test_cluster.py as a test of its own (cluster/<name>) without starting a broker, four
nodes and nginx for each (~10 s every time). keeper.py owns the cluster; a test process
gets a RemoteCluster: the attributes and methods the tests use on a Cluster, with process
control (kill -9, stop, restart, new nodes, ensure_up) done by the keeper and everything
else (HTTP, WebSocket, scripts/kafka) done by the test process itself.

    start(fixture_dir, ...)   a keeper in the background; returns once its cluster is up
    connect(fixture_dir)      a RemoteCluster on it
    stop(fixture_dir)         teardown; the exit statuses of the nodes still running

fixture_dir holds state.json (the keeper's pid and socket, the cluster's temporary
directory); the keeper's log is keeper.log in that temporary directory.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from cluster import Broker, ClusterError, Http, http_status, tail
from keeper import start_time

STATE = "state.json"
KEEPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keeper.py")


class NoFixture(ClusterError):
    pass


class KeeperClient:
    def __init__(self, socket_path, log_path):
        self.socket_path = socket_path
        self.log_path = log_path

    def call(self, op, rpc_timeout=600.0, **args):
        req = dict(args, op=op)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(rpc_timeout)
            try:
                s.connect(self.socket_path)
            except OSError as e:
                raise NoFixture("no keeper answers on %s (%s)" % (self.socket_path, e))
            s.sendall(json.dumps(req).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        if not data:
            raise ClusterError("the keeper closed the connection without answering %r; the end "
                               "of its log %s:\n%s" % (op, self.log_path, tail(self.log_path, 20)))
        reply = json.loads(data.decode("utf-8"))
        if "error" in reply:
            raise ClusterError("keeper, %s %s: %s" % (op, args.get("node", ""), reply["error"]))
        return reply


class RemoteNode:
    """A gateway or worker of the keeper's cluster, as a test sees a cluster.Node."""

    def __init__(self, cl, info):
        self.cl = cl
        self.name = self.node_id = info["name"]
        self.role = info["role"]
        self.port = info["port"]
        self.log_path = info["log_path"]

    def _call(self, op, rpc_timeout=600.0, **args):
        return self.cl.keeper.call(op, rpc_timeout, node=self.name, **args)

    def alive(self):
        return self._call("alive")["alive"]

    def kill9(self):
        self._call("kill9")

    def stop(self, timeout=20.0, sig=signal.SIGTERM):
        return self._call("stop", timeout + 60, timeout=timeout, sig=int(sig))["rc"]

    def start(self, ready_timeout=60.0):
        self.port = self._call("start", ready_timeout=ready_timeout)["port"]
        return self

    def restart(self, ready_timeout=60.0):
        self.port = self._call("restart", ready_timeout=ready_timeout)["port"]
        return self

    def wait_ready(self, timeout=60.0):
        self._call("wait_ready", timeout=timeout)

    def readyz(self, timeout=2.0):
        return http_status(self.port, "/readyz", timeout)

    def http(self, timeout=30.0):
        return Http(self.port, timeout)

    def ws_url(self, query="", path="/ws"):
        return "ws://127.0.0.1:%d%s%s" % (self.port, path, ("?" + query) if query else "")

    def log_tail(self, lines=30):
        return tail(self.log_path, lines)


class RemoteCluster:
    """The keeper's cluster, as a test sees a cluster.Cluster. The broker is driven here
    (scripts/kafka starts it in a session of its own, so it is nobody's child)."""

    def __init__(self, keeper):
        self.keeper = keeper
        self._load(keeper.call("describe"))

    def _load(self, d):
        self.tmp = d["tmp"]
        self.factord = d["factord"]
        self.topic_prefix = d["topic_prefix"]
        self.prefix = d["prefix"]
        self.nginx_port = d["nginx_port"]
        self.t_broker, self.t_start = d["t_broker"], d["t_start"]
        self.broker = Broker(self)
        self.broker.port, self.broker.dir = d["broker_port"], d["broker_dir"]
        self.gateways = [RemoteNode(self, n) for n in d["gateways"]]
        self.workers = [RemoteNode(self, n) for n in d["workers"]]

    @property
    def bootstrap(self):
        return self.broker.bootstrap

    @property
    def nodes(self):
        return self.gateways + self.workers

    def new_node(self, role, node_id, extra=()):
        self.keeper.call("add_node", role=role, node=node_id, extra=[str(x) for x in extra])
        return RemoteNode(self, {"name": node_id, "role": role, "port": None,
                                 "log_path": os.path.join(self.tmp, "%s.log" % node_id)})

    def ensure_up(self):
        self._load(self.keeper.call("ensure_up"))

    def http(self, timeout=30.0):
        return Http(self.nginx_port, timeout)

    def ws_url(self, query="", path="/ws"):
        return "ws://127.0.0.1:%d%s%s" % (self.nginx_port, path, ("?" + query) if query else "")

    def topic(self, name):
        return self.prefix + name

    def diagnose(self, label):
        return self.keeper.call("diagnose", label=label)["text"]

    def logs(self):
        return self.keeper.call("logs")["text"]

    def report_failure(self, test):
        """The keeper keeps the cluster's files at teardown and says which test failed."""
        self.keeper.call("failed", test=test)


def _read_state(fixture_dir):
    try:
        with open(os.path.join(fixture_dir, STATE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _client(state):
    return KeeperClient(state["socket"], os.path.join(state["tmp"], "keeper.log"))


def connect(fixture_dir):
    state = _read_state(fixture_dir)
    if state is None:
        raise NoFixture("no shared cluster in %s (cluster/setup starts one: ctest runs it first "
                        "for any cluster/ test; by hand: tests/cluster/run --start-fixture %s)"
                        % (fixture_dir, fixture_dir))
    try:
        return RemoteCluster(_client(state))
    except NoFixture as e:
        raise NoFixture("%s: the shared cluster in %s is gone; the end of its keeper's log:\n%s"
                        % (e, fixture_dir, tail(os.path.join(state["tmp"], "keeper.log"), 20)))


def start(fixture_dir, factord, topic_prefix=None, keep=False, owner_pid=None):
    """A keeper in the background, its cluster up: (RemoteCluster, None), or (None, the
    end of the keeper's log) when the cluster did not start."""
    os.makedirs(fixture_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="factord-cluster-")
    sock = os.path.join(tmp, "keeper.sock")
    log_path = os.path.join(tmp, "keeper.log")
    owner_pid = owner_pid or os.getppid()
    cmd = [sys.executable, "-u", KEEPER, "--factord", factord, "--tmp", tmp,
           "--socket", sock, "--owner", str(owner_pid)]
    if topic_prefix is not None:
        cmd += ["--topic-prefix", topic_prefix]
    if keep:
        cmd.append("--keep")
    with open(log_path, "ab") as log:
        # Its own session and no inherited pipe: ctest waits for the test's output to close.
        keeper = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                  start_new_session=True)
    state = {"keeper_pid": keeper.pid, "keeper_started": start_time(keeper.pid), "socket": sock,
             "tmp": tmp, "owner_pid": owner_pid, "owner_started": start_time(owner_pid)}
    with open(os.path.join(fixture_dir, STATE + ".new"), "w") as f:
        json.dump(state, f)
    os.replace(os.path.join(fixture_dir, STATE + ".new"), os.path.join(fixture_dir, STATE))
    client = _client(state)
    while keeper.poll() is None:
        with contextlib.suppress(NoFixture):
            return RemoteCluster(client), None
        time.sleep(0.2)
    with contextlib.suppress(OSError):
        os.remove(os.path.join(fixture_dir, STATE))
    return None, "%s\n(the processes' logs are in %s)" % (tail(log_path, 80), tmp)


def in_use(fixture_dir, owner_pid=None):
    """The pid of another live process (another ctest run in the same build directory)
    whose cluster runs in fixture_dir, or None. A fixture whose owner is gone is stale:
    its keeper is tearing down by itself."""
    state = _read_state(fixture_dir)
    if state is None or state.get("owner_started") is None:
        return None
    pid = state["owner_pid"]
    if pid == (owner_pid or os.getppid()) or start_time(pid) != state["owner_started"]:
        return None
    return pid


def stop(fixture_dir):
    """Tears down the cluster in fixture_dir: (whether one was there, the keeper's teardown
    answer). A keeper that does not answer is sent SIGTERM (it tears down) and the answer
    is None."""
    state = _read_state(fixture_dir)
    if state is None:
        return False, None
    reply = None
    pid = state["keeper_pid"]

    def keeper_alive():  # pids are recycled
        started = state.get("keeper_started")
        return started is not None and start_time(pid) == started
    try:
        reply = _client(state).call("teardown")
    except NoFixture:
        if keeper_alive():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
    for _ in range(1800):  # its teardown is bounded: 20 s a node, 30 s the broker
        if not keeper_alive():
            break
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.remove(os.path.join(fixture_dir, STATE))
    return True, reply
