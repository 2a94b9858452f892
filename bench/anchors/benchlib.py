"""Shared helpers for the Python anchors: read the JSON task, time the work, print one JSON report."""
import json
import resource
import sys
import time


def task():
    """The JSON task passed as the only command-line argument."""
    return json.loads(sys.argv[1])


class Timer:
    """Times the block it wraps with a monotonic clock."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        return False


def repeat(work, times):
    """Calls work() `times` times; returns its last result, the first call's seconds (cold) and
    the median seconds of the later calls (warm; None when called once)."""
    durations = []
    value = None
    for _ in range(max(1, times)):
        with Timer() as timer:
            value = work()
        durations.append(timer.seconds)
    later = sorted(durations[1:])
    warm = later[len(later) // 2] if later else None
    return value, durations[0], warm


def report(seconds, **figures):
    """Prints the last stdout line the harness reads: time, peak memory and checks."""
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(dict(seconds=seconds, peakRssKb=peak_kb, **figures)))
    sys.stdout.flush()
