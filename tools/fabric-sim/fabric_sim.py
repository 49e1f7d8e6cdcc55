#!/usr/bin/env python3
"""Entry point: python3 tools/fabric-sim/fabric_sim.py up --orgs 2 --dir ./data/sim"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fabsim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
