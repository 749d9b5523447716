import os
import sys

# The corpus modules live next to this file and are imported by their plain names.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
