"""The cluster suite's runner: tests registered with @suite.test run in declaration order
on one cluster (a broker start costs seconds); before each test every process that a
previous test killed is started again on its old port and the nodes it added are stopped.
Everything is torn down at exit, also on failure, ^C or SIGTERM. The last line is
`N passed, N failed`; the exit status is 1 when anything failed.
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

from cluster import REPO, Cluster, serve


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
        ap.add_argument("only", nargs="*", help="run only tests whose name contains one of these")
        args = ap.parse_args()
        factord = os.path.abspath(args.factord)
        if not os.access(factord, os.X_OK):
            print("no executable factord at %s (pass --factord PATH)" % factord)
            print("0 passed, 1 failed")
            sys.exit(1)

        def on_term(signum, _frame):
            raise KeyboardInterrupt("signal %d" % signum)
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGHUP, on_term)

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
                print("  " + "".join(traceback.format_exception(type(e), e, e.__traceback__))
                      .rstrip().replace("\n", "\n  "))
                print("  " + cl.logs().replace("\n", "\n  "))
            else:
                print("ok   cluster start: broker %.1f s, 2 gateways, 2 workers, nginx (%.1f s)"
                      % (cl.t_broker, time.monotonic() - t0))
                sys.stdout.flush()
                for fn in self.tests:
                    if args.only and not any(o in fn.__name__ for o in args.only):
                        continue
                    t0 = time.monotonic()
                    try:
                        cl.ensure_up()
                        fn(cl)
                    except Exception as e:
                        failed += 1
                        print("FAIL %s (%.1f s)" % (fn.__name__, time.monotonic() - t0))
                        msg = "".join(traceback.format_exception(type(e), e, e.__traceback__))
                        print("  " + msg.rstrip().replace("\n", "\n  "))
                        try:
                            print("  " + cl.diagnose(fn.__name__).replace("\n", "\n  "))
                        except Exception as d:  # noqa: BLE001
                            print("  (diagnostics failed: %r)" % d)
                        print("  " + cl.logs().replace("\n", "\n  "))
                    else:
                        passed += 1
                        print("ok   %s (%.1f s)" % (fn.__name__, time.monotonic() - t0))
                    sys.stdout.flush()
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
            print("temporary files kept in %s (the broker's data is wiped; its log is "
                  "kafka-server.log)" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        print("(%s: %.1f s)" % (self.name, time.monotonic() - t_all))
        print("%d passed, %d failed" % (passed, failed))
        sys.exit(1 if failed else 0)
