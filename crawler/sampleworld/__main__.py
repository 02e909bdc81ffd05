"""``python -m crawler.sampleworld [--port-base N]``: run the sample world until interrupted.

Prints the host map (production host -> loopback base URL) as JSON, then a ``[hostmap]``
table ready to paste into ``scout.toml``.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading

from crawler.sampleworld import Faults, SampleWorld


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.sampleworld", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--port-base",
        type=int,
        default=None,
        help="first port; hosts get consecutive ports (default: free ports)",
    )
    parser.add_argument("--youtube-search-quota", type=int, default=100)
    parser.add_argument(
        "--faults", action="store_true", help="inject faults at typical rates (Faults.typical)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault injector")
    args = parser.parse_args(argv)
    faults = Faults.typical() if args.faults else None
    world = SampleWorld(
        youtube_search_quota=args.youtube_search_quota, faults=faults, seed=args.seed
    )
    world.start(port_base=args.port_base)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        print(json.dumps(world.hostmap, indent=2), flush=True)
        print("\n[hostmap]")
        for host, base in sorted(world.hostmap.items()):
            print(f'"{host}" = "{base}"')
        print(f"\n{world.summary()}\nserving; press Ctrl-C to stop", flush=True)
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        world.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
