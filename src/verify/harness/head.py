"""aiaccel harness: runs inside the user's Python, in a temp copy of the HEAD snapshot.

One JSON request on stdin, one tagged JSON reply on stdout (a line starting with @@AIACCEL@@).
Modes:
  probe    versions of python / numpy / numba / pytest
  capture  run the repo's tests with a profile hook; record calls of target functions
  verify   original vs one candidate on captured + generated inputs (differential test)
  bench    original vs one candidate, interleaved, on growing sizes

It must never write outside the snapshot dir and the paths it is given, and never let the
code under test write to the real stdout (that channel carries the reply).
"""

import copy
import io
import json
import math
import os
import pickle
import random
import statistics
import sys
import time
import traceback
import contextlib

TAG = "@@AIACCEL@@"  # aiaccel sends a per-run tag with a nonce; a forged reply is not believed
_REAL_STDOUT = sys.stdout


def reply(obj):
    _REAL_STDOUT.write(TAG + json.dumps(obj, default=repr) + "\n")
    _REAL_STDOUT.flush()


