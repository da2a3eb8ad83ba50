"""The demo: the 2017 recruitment case from the evaluation report, with
synthetic answers, for showing and trying Medverkan.

``run_demo`` is re-exported here because tests, benches and the research
fixtures load the demo with ``from collector.demo import run_demo``.
"""

from collector.demo.case import run_demo

__all__ = ["run_demo"]
