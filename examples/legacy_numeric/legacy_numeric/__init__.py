"""Legacy numeric helpers used by the sensor-analytics notebooks (circa 2016)."""

__version__ = "0.3.1"
