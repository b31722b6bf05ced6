"""The cluster suite's runner. Tests registered with @suite.test run in declaration order,
either all in this process on a cluster of its own, or one per process on a cluster that
fixture.py shares (ctest: cluster/setup, then cluster/<test name> each, then
cluster/cleanup):

    tests/cluster/run [--factord PATH] [--keep] [--topic-prefix PFX] [TEST_NAME_PART ...]
    tests/cluster/run [--factord PATH] [--keep] [--topic-prefix PFX] --start-fixture DIR
    tests/cluster/run --fixture DIR TEST_NAME
    tests/cluster/run --stop-fixture DIR

Before each test, whatever a previous test killed or stopped is started again on its old
port and the nodes it added are stopped, so any test can follow any other. Everything is
torn down at exit (all in one process) or by --stop-fixture, also on failure, ^C or
SIGTERM. The last line is `N passed, N failed`; the exit status is 1 when anything failed.
"""

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

import fixture
from cluster import REPO, Cluster, serve

KEPT = "temporary files kept in %s (the broker's data is wiped; its log is kafka-server.log)"


def _indented(text):
    return "  " + text.rstrip().replace("\n", "\n  ")


def run_one(cl, fn):
    """Brings the cluster back up, runs the test, prints ok or FAIL with the diagnostics
    and the processes' logs. True when it passed."""
    t0 = time.monotonic()
    try:
        cl.ensure_up()
        fn(cl)
    except Exception as e:  # AssertionError and anything unexpected alike
        print("FAIL %s (%.1f s)" % (fn.__name__, time.monotonic() - t0))
        print(_indented("".join(traceback.format_exception(type(e), e, e.__traceback__))))
        for what in (lambda: cl.diagnose(fn.__name__), cl.logs):
            try:
                print(_indented(what()))
            except Exception as d:  # noqa: BLE001
                print("  (diagnostics failed: %r)" % d)
        sys.stdout.flush()
        return False
    print("ok   %s (%.1f s)" % (fn.__name__, time.monotonic() - t0))
    sys.stdout.flush()
    return True


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


class Suite(serve.Suite):
    """The serve harness's suite (registration with @suite.test), run against a cluster."""

    def main(self):
        ap = argparse.ArgumentParser(description="black-box tests of factord's cluster mode: "
                                     + self.name)
        ap.add_argument("--factord", default=str(REPO / "build" / "factord"),
                        help="the binary to test (default: build/factord in the repository)")
        ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
        ap.add_argument("--topic-prefix", default=None,
                        help="pass --topic-prefix to every process (default: factord's own)")
        mode = ap.add_mutually_exclusive_group()
        mode.add_argument("--start-fixture", metavar="DIR",
                          help="start a cluster shared by later --fixture DIR runs, and return")
        mode.add_argument("--fixture", metavar="DIR",
                          help="run exactly one test (its full name) on the cluster shared in DIR")
        mode.add_argument("--stop-fixture", metavar="DIR",
                          help="tear down the cluster shared in DIR")
        ap.add_argument("only", nargs="*",
                        help="run only tests whose name contains one of these (with --fixture: "
                        "the one test's name)")
        args = ap.parse_args()
        if (args.start_fixture or args.stop_fixture) and args.only:
            ap.error("--start-fixture and --stop-fixture take no test names")
        if args.fixture and len(args.only) != 1:
            ap.error("--fixture DIR runs exactly one test: pass its name")
        signal.signal(signal.SIGTERM, _raise_interrupt)
        signal.signal(signal.SIGHUP, _raise_interrupt)
        if args.stop_fixture:
            sys.exit(self.stop_fixture(args.stop_fixture))
        if args.fixture:
            sys.exit(self.one_in_fixture(args.fixture, args.only[0]))
        factord = os.path.abspath(args.factord)
        if not os.access(factord, os.X_OK):
            print("no executable factord at %s (pass --factord PATH)" % factord)
            print("0 passed, 1 failed")
            sys.exit(1)
        if args.start_fixture:
            sys.exit(self.start_fixture(args.start_fixture, factord, args))
        sys.exit(self.run_all(factord, args))

    def run_all(self, factord, args):
        tmp = tempfile.mkdtemp(prefix="factord-cluster-")
        passed = failed = 0
        t_all = time.monotonic()
        cl = Cluster(factord, tmp, topic_prefix=args.topic_prefix)
        interrupted = False
        try:
            t0 = time.monotonic()
            try:
                cl.start()
            except Exception as e:
                failed += 1
                print("FAIL cluster start (%.1f s)" % (time.monotonic() - t0))
                print(_indented("".join(traceback.format_exception(type(e), e, e.__traceback__))))
                print(_indented(cl.logs()))
            else:
                print("ok   cluster start: broker %.1f s, 2 gateways, 2 workers, nginx (%.1f s)"
                      % (cl.t_broker, time.monotonic() - t0))
                sys.stdout.flush()
                for fn in self.tests:
                    if args.only and not any(o in fn.__name__ for o in args.only):
                        continue
                    if run_one(cl, fn):
                        passed += 1
                    else:
                        failed += 1
        except KeyboardInterrupt as e:
            interrupted = True
            failed += 1
            print("INTERRUPTED (%s); tearing down" % (str(e) or "^C"))
        finally:
            # Teardown is bounded (SIGTERM, then SIGKILL); a second ^C must not cut it short.
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN)
            rcs = cl.teardown()
        if not interrupted and passed + failed > 0:
            bad = {k: v for k, v in rcs.items() if v not in (0, None)}
            if bad and not failed:
                failed += 1
                print("FAIL teardown: exit statuses after SIGTERM %r (expected 0)" % bad)
        if args.keep or failed:
            print(KEPT % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        print("(%s: %.1f s)" % (self.name, time.monotonic() - t_all))
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed else 0

    def start_fixture(self, fixture_dir, factord, args):
        t0 = time.monotonic()
        owner = fixture.in_use(fixture_dir)
        if owner is not None:
            print("FAIL cluster start: the shared cluster in %s belongs to pid %d, still running "
                  "(another ctest in this build directory?); wait for it, or stop it with "
                  "tests/cluster/run --stop-fixture %s" % (fixture_dir, owner, fixture_dir))
            print("0 passed, 1 failed")
            return 1
        try:
            found, _reply = fixture.stop(fixture_dir)
            if found:
                print("(a shared cluster left in %s by an earlier run was torn down)" % fixture_dir)
            cl, log = fixture.start(fixture_dir, factord, args.topic_prefix, args.keep)
        except KeyboardInterrupt as e:  # the keeper, if any, tears down at cluster/cleanup
            print("INTERRUPTED (%s)" % (str(e) or "^C"))
            print("0 passed, 1 failed")
            return 1
        if cl is None:
            print("FAIL cluster start (%.1f s); the end of the keeper's log:" % (time.monotonic() - t0))
            print(_indented(log))
            print("0 passed, 1 failed")
            return 1
        print("ok   cluster start: broker %.1f s, 2 gateways, 2 workers, nginx (%.1f s)"
              % (cl.t_broker, cl.t_start))
        print("     (shared through %s; files in %s)" % (fixture_dir, cl.tmp))
        print("1 passed, 0 failed")
        return 0

    def one_in_fixture(self, fixture_dir, name):
        t_all = time.monotonic()
        fn = next((fn for fn in self.tests if fn.__name__ == name), None)
        if fn is None:
            print("FAIL %s: no such test; the tests are:\n  %s"
                  % (name, "\n  ".join(f.__name__ for f in self.tests)))
            print("0 passed, 1 failed")
            return 1
        cl = None
        try:
            cl = fixture.connect(fixture_dir)
            ok = run_one(cl, fn)
        except fixture.NoFixture as e:
            print("FAIL %s: %s" % (name, e))
            print("0 passed, 1 failed")
            return 1
        except KeyboardInterrupt as e:
            ok = False
            print("INTERRUPTED %s (%s)" % (name, str(e) or "^C"))
        if not ok and cl is not None:
            with contextlib.suppress(Exception):
                cl.report_failure(name)
            print("(the shared cluster's logs and diagnostics are in %s)" % cl.tmp)
        print("(%s/%s: %.1f s)" % (self.name, name, time.monotonic() - t_all))
        print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
        return 0 if ok else 1

    def stop_fixture(self, fixture_dir):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # the teardown itself is bounded
        t0 = time.monotonic()
        found, reply = fixture.stop(fixture_dir)
        if not found:
            print("(no shared cluster in %s: nothing to tear down)" % fixture_dir)
            print("0 passed, 0 failed")
            return 0
        if reply is None:
            print("(the keeper in %s did not answer; it was sent SIGTERM, which tears its cluster "
                  "down)" % fixture_dir)
            print("0 passed, 0 failed")
            return 0
        failed = 0
        if reply["failed"]:
            print("(failed on this cluster: %s)" % ", ".join(reply["failed"]))
        if reply["bad"] and not reply["failed"]:
            failed = 1
            print("FAIL teardown: exit statuses after SIGTERM %r (expected 0)" % reply["bad"])
        else:
            print("ok   teardown (%.1f s)%s" % (time.monotonic() - t0, "; exit statuses after "
                  "SIGTERM %r, not judged after a failed test" % reply["bad"] if reply["bad"] else ""))
        if reply["kept"]:
            print(KEPT % reply["tmp"])
        print("%d passed, %d failed" % (1 - failed, failed))
        return failed
